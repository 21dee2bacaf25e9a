using ChatTroubleshooter.Json;
using ChatTroubleshooter.Outbox;
using Microsoft.Data.Sqlite;

namespace ChatTroubleshooter.Storage.Sqlite;

/// <summary>
/// The durable outbox in SQLite: items with their due time, status and lease holder; dedupe keys for work accepted once.
/// Claims are writes (the one writer): two instances on one machine never hold one item.
/// </summary>
internal sealed class SqliteOutbox : IWorkOutbox
{
    private readonly SqliteDatabase db;
    private readonly StoredJson _json;
    private readonly WorkSignal _signal = new();
    private readonly string _instanceId;

    /// <param name="instanceId">Who holds this store's leases (<see cref="InstanceId.Current"/>; tests pass another process's).</param>
    public SqliteOutbox(SqliteDatabase db, StoredJson json, string? instanceId)
    {
        this.db = db;
        _json = json;
        _instanceId = instanceId ?? InstanceId.Current;
        using var connection = db.Open();
        ReclaimFromDeadProcesses(connection);
    }

    /// <summary>
    /// Work leased by a process of this machine that is gone (killed, crashed) is due again now, not when its lease
    /// ends: after a kill -9 and a restart, the replies go out within seconds.
    /// </summary>
    private void ReclaimFromDeadProcesses(SqliteConnection connection)
    {
        var owners = new List<string>();
        using (var command = SqliteDatabase.Command(connection, "SELECT DISTINCT owner FROM outbox WHERE owner IS NOT NULL AND status = 'pending' AND due > $now", ("$now", db.Now)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                owners.Add(reader.GetString(0));
            }
        }

        foreach (var owner in owners.Where(o => o != _instanceId && InstanceId.IsDeadOnThisMachine(o)))
        {
            // Due now, its owner kept: the claim that follows knows it takes the item over from a process that died.
            SqliteDatabase.Execute(connection, "UPDATE outbox SET due = $now WHERE owner = $o AND status = 'pending'", ("$now", db.Now), ("$o", owner));
        }
    }

    public async ValueTask EnqueueAsync(WorkItem item, CancellationToken ct)
    {
        // Returns once the item is committed, and on disk unless synchronous=NORMAL (group commit with whatever else
        // is being written right now). Not cancellable: once queued, the write happens anyway, within milliseconds.
        var json = _json.Serialize(item);
        var due = item.NotBefore?.ToUnixTimeMilliseconds() ?? db.Now;
        await db.AckWriteAsync(writer => writer.Execute("INSERT INTO outbox (id, due, status, json) VALUES ($i, $d, 'pending', $j) ON CONFLICT (id) DO NOTHING",
            ("$i", item.Id), ("$d", due), ("$j", json)));
        WakeFor(item);
    }

    public async ValueTask<bool> EnqueueOnceAsync(WorkItem item, string dedupeKey, TimeSpan window, CancellationToken ct)
    {
        var json = _json.Serialize(item);
        var due = item.NotBefore?.ToUnixTimeMilliseconds() ?? db.Now;
        // One write function is one transaction: if the insert into the outbox throws (a full disk), the key's insert
        // is rolled back with it.
        var first = await db.AckWriteAsync(writer =>
        {
            if (writer.Execute("""
                INSERT INTO dedupe (key, expires_at) VALUES ($k, $e)
                ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE dedupe.expires_at <= $now
                """, ("$k", dedupeKey), ("$e", db.Now + (long)window.TotalMilliseconds), ("$now", db.Now)) != 1)
            {
                return false;
            }

            writer.Execute("INSERT INTO outbox (id, due, status, json) VALUES ($i, $d, 'pending', $j) ON CONFLICT (id) DO NOTHING",
                ("$i", item.Id), ("$d", due), ("$j", json));
            return true;
        });
        if (first)
        {
            WakeFor(item);
        }

        return first;
    }

    /// <summary>
    /// Claims ride in the acks' batches: as background writes each claim took a transaction and a disk sync of its
    /// own, and the acks per second with the outbox work running fell by 10 % (paired A/B, tests/load/ab-test.sh).
    /// </summary>
    public Task<IReadOnlyList<WorkItem>> ClaimAsync(int max, TimeSpan lease, CancellationToken ct) => db.AckWriteAsync<IReadOnlyList<WorkItem>>(writer =>
    {
        db.PurgeExpired(writer);
        // The due items, with who held them before: an owner whose lease ran out stopped while working on one (a take-over).
        var ids = new List<string>();
        var previous = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var due = writer.Command("SELECT id, owner FROM outbox WHERE status = 'pending' AND due <= $now ORDER BY due LIMIT $n",
            ("$now", db.Now), ("$n", max)).ExecuteReader())
        {
            while (due.Read())
            {
                ids.Add(due.GetString(0));
                if (!due.IsDBNull(1) && due.GetString(1) is var owner && owner != _instanceId)
                {
                    previous[ids[^1]] = owner;
                }
            }
        }

        if (ids.Count == 0)
        {
            return [];
        }

        // Claiming pushes "due" to the end of the lease: a worker that dies leaves the item due again then.
        var command = writer.Command("""
            UPDATE outbox SET due = $lease, owner = $me
            WHERE id IN (SELECT value FROM json_each($ids))
            RETURNING id, json
            """, ("$lease", db.Now + (long)lease.TotalMilliseconds), ("$me", _instanceId), ("$ids", JsonIds(ids)));
        var items = new List<WorkItem>();
        var unreadable = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (_json.TryDeserialize<WorkItem>(reader.GetString(1)) is { } item)
                {
                    items.Add(item with { TakenOverFrom = previous.GetValueOrDefault(item.Id) });
                }
                else
                {
                    unreadable.Add(reader.GetString(0));
                }
            }
        }

        // Stored by an older version (or damaged): kept as a dead letter for a person to look at, never retried.
        foreach (var id in unreadable)
        {
            writer.Execute("UPDATE outbox SET status = 'dead', error = 'unreadable work item' WHERE id = $i", ("$i", id));
        }

        return items;
    });

    public Task RenewAsync(IReadOnlyCollection<string> ids, TimeSpan lease, CancellationToken ct)
    {
        var list = JsonIds(ids);
        return db.WriteAsync(writer => writer.Execute(
            "UPDATE outbox SET due = $lease WHERE owner = $me AND status = 'pending' AND id IN (SELECT value FROM json_each($ids))",
            ("$lease", db.Now + (long)lease.TotalMilliseconds), ("$me", _instanceId), ("$ids", list)));
    }

    public Task SaveProgressAsync(WorkItem item, CancellationToken ct)
    {
        var json = _json.Serialize(item);
        return db.WriteAsync(writer => writer.Execute("UPDATE outbox SET json = $j WHERE id = $i AND status = 'pending'", ("$i", item.Id), ("$j", json)));
    }

    public Task CompleteAsync(WorkItem item, CancellationToken ct) =>
        db.WriteAsync(writer => writer.Execute("DELETE FROM outbox WHERE id = $i", ("$i", item.Id)));

    public Task RetryAsync(WorkItem item, DateTimeOffset notBefore, string error, CancellationToken ct)
    {
        var json = _json.Serialize(item);
        return db.WriteAsync(writer => writer.Execute("UPDATE outbox SET due = $d, json = $j, error = $e, owner = NULL WHERE id = $i",
            ("$i", item.Id), ("$d", notBefore.ToUnixTimeMilliseconds()), ("$j", json), ("$e", error)));
    }

    public Task DeadLetterAsync(WorkItem item, string error, CancellationToken ct)
    {
        var json = _json.Serialize(item);
        return db.WriteAsync(writer => writer.Execute("UPDATE outbox SET status = 'dead', json = $j, error = $e, owner = NULL WHERE id = $i",
            ("$i", item.Id), ("$j", json), ("$e", error)));
    }

    /// <summary>Ids as a JSON array of strings, for SQLite's <c>json_each</c>.</summary>
    private static string JsonIds(IEnumerable<string> ids)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var id in ids)
            {
                json.WriteStringValue(id);
            }

            json.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public Task ProbeWriteAsync(CancellationToken ct) =>
        db.WriteAsync(writer => writer.Execute("INSERT INTO dedupe (key, expires_at) VALUES ('ready-probe', $e) ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at",
            ("$e", (db.Time.GetUtcNow() + TimeSpan.FromMinutes(1)).ToUnixTimeMilliseconds())));

    public Task<int> CountPendingAsync(CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = SqliteDatabase.Command(connection, "SELECT count(*) FROM outbox WHERE status = 'pending'");
        return Task.FromResult(Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    public Task<bool> WaitForWorkAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);

    private void WakeFor(WorkItem item)
    {
        if (item.IsDueBy(db.Time.GetUtcNow()))
        {
            _signal.Notify();
        }
    }
}
