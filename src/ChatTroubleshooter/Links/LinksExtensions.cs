namespace ChatTroubleshooter.Links;

public static class LinksExtensions
{
    /// <summary>
    /// Links to Aircall calls shown with their recording status: the cached lookups the channels' unfurls use. Each
    /// channel that unfurls adds it (once, whichever adds it first).
    /// </summary>
    public static IHostApplicationBuilder AddLinks(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(s => s.ServiceType == typeof(CallStatuses)))
        {
            return builder;
        }

        builder.Services.AddOptions<LinkOptions>().BindConfiguration(LinkOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<CallStatuses>();
        return builder;
    }
}
