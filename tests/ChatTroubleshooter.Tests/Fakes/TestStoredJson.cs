using ChatTroubleshooter.Alerts;
using ChatTroubleshooter.Audit;
using ChatTroubleshooter.Json;
using ChatTroubleshooter.Outbox;
using ChatTroubleshooter.Slack;
using ChatTroubleshooter.Teams;
using ChatTroubleshooter.WriteBack;
using Microsoft.Extensions.DependencyInjection;

namespace ChatTroubleshooter.Tests.Fakes;

/// <summary>The stored JSON with every feature's kinds registered, as the host registers them, for tests that build a store directly.</summary>
internal static class TestStoredJson
{
    public static readonly StoredJson All = new ServiceCollection()
        .AddOutboxStoredTypes()
        .AddSlackStoredTypes()
        .AddTeamsStoredTypes()
        .AddAlertsStoredTypes()
        .AddAuditStoredTypes()
        .AddWriteBackStoredTypes()
        .BuildServiceProvider()
        .GetRequiredService<StoredJson>();
}
