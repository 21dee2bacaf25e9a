using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Storage;
using ChatTroubleshooter.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Tests.Fakes;

/// <summary>The real conversation core over an in-memory state store, for tests below the HTTP layer.</summary>
internal static class TestConversations
{
    public static readonly Knowledge Knowledge = Knowledge.LoadEmbedded();

    public static ConversationService Create(
        TimeProvider? time = null, ICallFactsProvider? calls = null, IStateProvider? state = null, IEnumerable<string>? admins = null)
    {
        time ??= TimeProvider.System;
        state ??= new MemoryStore(time, MemoryCacheClock.Create(time));
        var stats = new StatsService(state, state, Knowledge, time, Options.Create(new StatsOptions { AdminUserIds = [.. admins ?? []] }));
        var alerts = new ChatTroubleshooter.Alerts.AlertCommands(Knowledge, state, stats, Options.Create(new ChatTroubleshooter.Aircall.AircallOptions()), time,
            NullLogger<ChatTroubleshooter.Alerts.AlertCommands>.Instance);
        var audits = new ChatTroubleshooter.Audit.AuditCommands(Knowledge, state, stats, Options.Create(new ChatTroubleshooter.Audit.AuditOptions()), time);
        return new ConversationService(Knowledge, state, calls ?? new NoCallFactsProvider(), state, state, state, stats, alerts, audits, time,
            Options.Create(new ConversationOptions()), NullLogger<ConversationService>.Instance);
    }
}
