using ChatTroubleshooter.Storage;
using ChatTroubleshooter.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ChatTroubleshooter.Conversations;

public static class ConversationExtensions
{
    /// <summary>Registers the diagnostics knowledge (validated at start-up), the conversation core and its store.</summary>
    public static IHostApplicationBuilder AddConversations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConversationOptions>()
            .BindConfiguration(ConversationOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(_ => Knowledge.LoadEmbedded());

        builder.Services.TryAddSingleton<ICallFactsProvider, NoCallFactsProvider>();
        builder.Services.AddOptions<StatsOptions>().BindConfiguration(StatsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<StatsService>();
        builder.Services.AddSingleton<Alerts.AlertCommands>();
        builder.Services.AddSingleton<Audit.AuditCommands>();
        builder.Services.AddSingleton<ConversationService>();
        builder.AddState();
        return builder;
    }
}
