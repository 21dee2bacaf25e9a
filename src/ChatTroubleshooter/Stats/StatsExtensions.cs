using ChatTroubleshooter.Conversations;

namespace ChatTroubleshooter.Stats;

public static class StatsExtensions
{
    /// <summary><c>stats</c>: what breaks recordings most, for admins; a command of the conversation core.</summary>
    public static IHostApplicationBuilder AddStats(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StatsOptions>().BindConfiguration(StatsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddTurnCommand<StatsService>();
        return builder;
    }
}
