using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Alerts;
using ChatTroubleshooter.Audit;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Json;
using ChatTroubleshooter.Outbox;
using ChatTroubleshooter.Slack;

namespace ChatTroubleshooter.Storage.Sqlite;

/// <summary>
/// State in one SQLite file (the default): a class per concern over the one <see cref="SqliteDatabase"/> (its file,
/// its writer, its clock). Safe for several processes on one machine; use Redis for instances on several machines.
/// </summary>
internal sealed class SqliteStore : IStateProvider, IDisposable
{
    private readonly SqliteDatabase _database;
    private readonly SqliteConversations _conversations;
    private readonly SqliteRecords _records;
    private readonly SqliteAlerts _alerts;

    /// <param name="synchronous">
    /// <c>FULL</c> (the default): a write returns once it is on disk, so accepted work survives a power loss;
    /// <c>NORMAL</c>: once it is committed, which survives a crash of the process, not of the machine.
    /// </param>
    /// <param name="instanceId">Who holds this store's leases (<see cref="InstanceId.Current"/>; tests pass another process's).</param>
    public SqliteStore(StoredJson json, string path, TimeProvider time, TimeSpan? conversationRetention = null, string synchronous = "FULL", string? instanceId = null)
    {
        _database = new SqliteDatabase(path, time, conversationRetention, synchronous);
        _conversations = new SqliteConversations(_database);
        _records = new SqliteRecords(_database);
        _alerts = new SqliteAlerts(_database, json);
        Audits = new SqliteAudits(_database);
        Outbox = new SqliteOutbox(_database, json, instanceId);
    }

    public IConversationStore Conversations => _conversations;

    public IUserPreferenceStore Preferences => _conversations;

    public IFeedbackStore Feedback => _records;

    public IDiagnosisLog Diagnoses => _records;

    public IDeletedNumbers DeletedNumbers => _alerts;

    public IAlertBursts AlertBursts => _alerts;

    public IAlertMutes AlertMutes => _alerts;

    public IAlertSubscriptions AlertSubscriptions => _alerts;

    public IAuditStore Audits { get; }

    public IWorkOutbox Outbox { get; }

    /// <summary>Stops accepting writes and lets the writer commit what it already has.</summary>
    public void Dispose() => _database.Dispose();
}
