using ChatTroubleshooter.Slack;
using ChatTroubleshooter.Audit;
using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Alerts;
using System.Collections.Concurrent;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Outbox;
using Microsoft.Extensions.Caching.Memory;

namespace ChatTroubleshooter.Storage.Memory;

/// <summary>State in this process only (State__Provider=Memory): for tests and the terminal chat; a class per concern.</summary>
internal sealed class MemoryStore(TimeProvider time, IMemoryCache cache) : IStateProvider
{
    private readonly MemoryConversations _conversations = new(cache);
    private readonly MemoryRecords _records = new();
    private readonly MemoryAlerts _alerts = new();

    public IConversationStore Conversations => _conversations;

    public IUserPreferenceStore Preferences => _conversations;

    public IFeedbackStore Feedback => _records;

    public IDiagnosisLog Diagnoses => _records;

    public IDeletedNumbers DeletedNumbers => _alerts;

    public IAlertBursts AlertBursts => _alerts;

    public IAlertMutes AlertMutes => _alerts;

    public IAlertSubscriptions AlertSubscriptions => _alerts;

    public IAuditStore Audits { get; } = new MemoryAudits();

    public IWorkOutbox Outbox { get; } = new MemoryOutbox(time, cache);
}
