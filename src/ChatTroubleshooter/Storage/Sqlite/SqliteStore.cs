using ChatTroubleshooter.Json;
using ChatTroubleshooter.Outbox;

namespace ChatTroubleshooter.Storage.Sqlite;

/// <summary>
/// State in one SQLite file (the default): a class per concern over the one <see cref="SqliteDatabase"/> (its file,
/// its writer, its clock). Safe for several processes on one machine; use Redis for instances on several machines.
/// </summary>
internal static class SqliteStore
{
    /// <param name="synchronous">
    /// <c>FULL</c> (the default): a write returns once it is on disk, so accepted work survives a power loss;
    /// <c>NORMAL</c>: once it is committed, which survives a crash of the process, not of the machine.
    /// </param>
    /// <param name="instanceId">Who holds this store's leases (<see cref="InstanceId.Current"/>; tests pass another process's).</param>
    public static StateStore Open(
        StoredJson json, string path, TimeProvider time, TimeSpan? conversationRetention = null, string synchronous = "FULL", string? instanceId = null)
    {
        var database = new SqliteDatabase(path, time, conversationRetention, synchronous);
        var conversations = new SqliteConversations(database);
        var records = new SqliteRecords(database);
        var alerts = new SqliteAlerts(database, json);
        // Stops accepting writes when disposed, and lets the writer commit what it already has.
        return new StateStore(conversations, conversations, records, records, alerts, alerts, alerts, alerts, new SqliteAudits(database),
            new SqliteOutbox(database, json, instanceId))
        { Resource = database };
    }
}
