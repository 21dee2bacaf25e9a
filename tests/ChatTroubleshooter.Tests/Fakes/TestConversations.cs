using ChatTroubleshooter.Storage.Memory;
using ChatTroubleshooter.Caching;
using ChatTroubleshooter.Alerts;
using ChatTroubleshooter.Audit;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Diagnostics;
using ChatTroubleshooter.Stats;
using ChatTroubleshooter.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ChatTroubleshooter.Tests.Fakes;

/// <summary>
/// The real conversation core over an in-memory state store, for tests below the HTTP layer: registered as the host
/// registers it (the core, then the alerts' and audits' commands and intents), with the given clock, Aircall and store.
/// </summary>
internal static class TestConversations
{
    public static readonly Knowledge Knowledge = Knowledge.LoadEmbedded();

    public static ConversationService Create(
        TimeProvider? time = null, ICallFactsProvider? calls = null, StateStore? state = null, IEnumerable<string>? admins = null) =>
        Services(time, calls, state, admins).GetRequiredService<ConversationService>();

    public static IServiceProvider Services(
        TimeProvider? time = null, ICallFactsProvider? calls = null, StateStore? state = null, IEnumerable<string>? admins = null)
    {
        time ??= TimeProvider.System;
        state ??= MemoryStore.Open(time, MemoryCacheClock.Create(time));
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection((admins ?? []).Select((a, i) => KeyValuePair.Create($"Stats:AdminUserIds:{i}", (string?)a)));
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(calls ?? new NoCallFactsProvider());
        builder.Services.AddSingleton(Knowledge);
        builder.Services.AddSingleton(state.Conversations);
        builder.Services.AddSingleton(state.Diagnoses);
        builder.Services.AddSingleton(state.Feedback);
        builder.Services.AddSingleton(state.AlertMutes);
        builder.Services.AddSingleton(state.AlertSubscriptions);
        builder.Services.AddSingleton(state.Audits);
        builder.AddConversations();
        builder.AddAlerts();
        builder.AddAudits();
        builder.AddStats();
        return builder.Build().Services;
    }
}
