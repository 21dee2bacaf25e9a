using ChatTroubleshooter.Diagnostics;
using ChatTroubleshooter.Diagnostics.Extraction;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ChatTroubleshooter.Conversations;

public static class ConversationExtensions
{
    /// <summary>
    /// Registers the diagnostics knowledge (validated at start-up) and the conversation core. Its ports (the conversation
    /// store, the diagnosis log, the feedback) are implemented by Storage; features add their commands and intents.
    /// </summary>
    public static IHostApplicationBuilder AddConversations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConversationOptions>()
            .BindConfiguration(ConversationOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(_ => Knowledge.LoadEmbedded());
        // One reader for the core and the language choice: it builds each language's vocabulary once.
        builder.Services.TryAddSingleton(sp => new TextFactExtractor(sp.GetRequiredService<Knowledge>()));

        builder.Services.TryAddSingleton<ICallFactsProvider, NoCallFactsProvider>();
        builder.Services.AddSingleton<Admins>();
        builder.Services.AddSingleton<TurnLanguage>();
        builder.Services.AddSingleton<Diagnoses>();
        builder.Services.AddSingleton<DiagnosisClicks>();
        builder.Services.AddSingleton<ConversationSteps>();
        builder.Services.AddSingleton<ConversationService>();
        return builder;
    }
}
