using ChatTroubleshooter.Outbox;

namespace ChatTroubleshooter.Alerts;

public static class AlertsExtensions
{
    /// <summary>Registers the proactive alerts: their options and the worker of Aircall's webhook events.</summary>
    public static IHostApplicationBuilder AddAlerts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AlertsOptions>().BindConfiguration(AlertsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<PlacePoster>();
        builder.Services.AddSingleton<IWorkHandler, AlertWorkHandler>();
        return builder;
    }
}
