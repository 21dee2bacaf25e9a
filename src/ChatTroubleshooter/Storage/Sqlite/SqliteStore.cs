using System.Text.Json;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Alerts;
using ChatTroubleshooter.Json;
using ChatTroubleshooter.Outbox;
using Microsoft.Data.Sqlite;

namespace ChatTroubleshooter.Storage.Sqlite;

/// <summary>
/// State in one SQLite file (the default; WAL mode): conversations with a version for optimistic concurrency,
/// dedupe keys and locales with expiry, feedback, and the durable outbox. Safe for several processes on one
/// machine; use Redis for instances on several machines.
/// <para>
/// Every write goes through the one <see cref="SqliteWriter"/> (group commit, pipelined sync); reads use pooled
/// connections of their own (WAL readers do not wait for the writer).
/// </para>
/// </summary>
internal sealed class SqliteStore : IStateProvider, IDisposable
{
    private readonly SqliteWriter _writer;
    private readonly StoredJson _json;
    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly WorkSignal _signal = new();
    private readonly TimeSpan _conversationRetention;
    private long _nextPurge;
    private readonly string _instanceId;

    /// <param name="synchronous">
    /// <c>FULL</c> (the default): a write returns once it is on disk, so accepted work survives a power loss;
    /// <c>NORMAL</c>: once it is committed, which survives a crash of the process, not of the machine.
    /// </param>
    /// <param name="instanceId">Who holds this store's leases (<see cref="InstanceId.Current"/>; tests pass another process's).</param>
    public SqliteStore(StoredJson json, string path, TimeProvider time, TimeSpan? conversationRetention = null, string synchronous = "FULL", string? instanceId = null)
    {
        _json = json;
        _instanceId = instanceId ?? InstanceId.Current;
        var durable = synchronous.ToUpperInvariant() switch
        {
            "FULL" => true,
            "NORMAL" => false,
            _ => throw new ArgumentException("synchronous must be FULL or NORMAL.", nameof(synchronous)),
        };
        _time = time;
        _conversationRetention = conversationRetention ?? TimeSpan.FromDays(2);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        using (var connection = Open())
        {
            Execute(connection, """
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS conversations (key TEXT PRIMARY KEY, version INTEGER NOT NULL, updated_at INTEGER NOT NULL, json TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS dedupe (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS locales (user TEXT PRIMARY KEY, locale TEXT, expires_at INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS feedback (diagnosis_id TEXT NOT NULL, user TEXT NOT NULL, at INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (diagnosis_id, user));
                CREATE TABLE IF NOT EXISTS diagnoses (id TEXT PRIMARY KEY, at INTEGER NOT NULL, json TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS diagnoses_at ON diagnoses (at);
                CREATE TABLE IF NOT EXISTS deleted_numbers (id INTEGER PRIMARY KEY, at INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS alert_mutes (number INTEGER PRIMARY KEY, until INTEGER NOT NULL, by TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS alert_bursts (number INTEGER PRIMARY KEY, since INTEGER NOT NULL, count INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS alert_summaries (number INTEGER NOT NULL, since INTEGER NOT NULL, place TEXT NOT NULL, message_id TEXT NOT NULL, PRIMARY KEY (number, since, place)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS alert_subscriptions (place TEXT PRIMARY KEY, json TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS audits (id TEXT PRIMARY KEY, place TEXT NOT NULL, cancelled INTEGER NOT NULL DEFAULT 0, message_id TEXT);
                CREATE TABLE IF NOT EXISTS audit_slot (slot INTEGER PRIMARY KEY CHECK (slot = 0), id TEXT NOT NULL, until INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS audit_rows (audit_id TEXT NOT NULL, page TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (audit_id, page)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS report_files (key TEXT PRIMARY KEY, content BLOB NOT NULL, expires INTEGER NOT NULL);
                -- WITHOUT ROWID: the rows live in the b-tree of their (time-ordered) ids, one b-tree fewer to write per accepted request.
                CREATE TABLE IF NOT EXISTS outbox (id TEXT PRIMARY KEY, due INTEGER NOT NULL, status TEXT NOT NULL, json TEXT NOT NULL, error TEXT) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, due);
                """);
            if (!HasColumn(connection, "outbox", "owner"))
            {
                // Files from before leases had holders.
                Execute(connection, "ALTER TABLE outbox ADD COLUMN owner TEXT");
            }

            ReclaimFromDeadProcesses(connection);
        }

        _writer = new SqliteWriter(_connectionString, full, durable);
    }

    private static bool HasColumn(SqliteConnection connection, string table, string column)
    {
        using var command = Command(connection, $"SELECT count(*) FROM pragma_table_info('{table}') WHERE name = $c", ("$c", column));
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>
    /// Work leased by a process of this machine that is gone (killed, crashed) is due again now, not when its lease
    /// ends: after a kill -9 and a restart, the replies go out within seconds.
    /// </summary>
    private void ReclaimFromDeadProcesses(SqliteConnection connection)
    {
        var owners = new List<string>();
        using (var command = Command(connection, "SELECT DISTINCT owner FROM outbox WHERE owner IS NOT NULL AND status = 'pending' AND due > $now", ("$now", Now)))
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
            Execute(connection, "UPDATE outbox SET due = $now WHERE owner = $o AND status = 'pending'", ("$now", Now), ("$o", owner));
        }
    }

    /// <summary>Stops accepting writes and lets the writer commit what it already has.</summary>
    public void Dispose() => _writer.Dispose();

    /// <summary>A write of background work: it waits while acks' writes are queued (see <see cref="SqliteWriter"/>).</summary>
    private Task<T> WriteAsync<T>(Func<SqliteWriter.Statements, T> write) => _writer.WriteAsync(WritePriority.Background, write);

    /// <summary>A write an ack waits for (accepting work, dedupe), or one that feeds the workers (claims).</summary>
    private Task<T> AckWriteAsync<T>(Func<SqliteWriter.Statements, T> write) => _writer.WriteAsync(WritePriority.Ack, write);

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static int Execute(SqliteConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return SqliteWriter.Statements.Bind(command, parameters);
    }

    /// <summary>Every row's first column (JSON), converted.</summary>
    private static List<T> ReadJson<T>(SqliteCommand command, Func<string, T> convert)
    {
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(convert(reader.GetString(0)));
        }

        return rows;
    }

    public Task<Conversation?> GetAsync(string key, CancellationToken ct)
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT version, json FROM conversations WHERE key = $k", ("$k", key));
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? ConversationJson.Deserialize(reader.GetString(1), reader.GetInt64(0)) : null);
    }

    public Task<bool> TrySaveAsync(Conversation conversation, long expectedVersion, CancellationToken ct)
    {
        var json = ConversationJson.Serialize(conversation);
        var updated = conversation.UpdatedAt.ToUnixTimeMilliseconds();
        return WriteAsync(writer => (expectedVersion == 0
            ? writer.Execute("INSERT INTO conversations (key, version, updated_at, json) VALUES ($k, 1, $u, $j) ON CONFLICT (key) DO NOTHING",
                ("$k", conversation.Key), ("$u", updated), ("$j", json))
            : writer.Execute("UPDATE conversations SET version = version + 1, updated_at = $u, json = $j WHERE key = $k AND version = $v",
                ("$k", conversation.Key), ("$u", updated), ("$j", json), ("$v", expectedVersion))) == 1);
    }

    public Task<(bool Found, string? Locale)> GetLocaleAsync(string user, CancellationToken ct)
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT locale FROM locales WHERE user = $u AND expires_at > $now", ("$u", user), ("$now", Now));
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? (true, reader.IsDBNull(0) ? null : reader.GetString(0)) : (false, (string?)null));
    }

    public Task SetLocaleAsync(string user, string? locale, TimeSpan ttl, CancellationToken ct) =>
        WriteAsync(writer => writer.Execute("INSERT INTO locales (user, locale, expires_at) VALUES ($u, $l, $e) ON CONFLICT (user) DO UPDATE SET locale = excluded.locale, expires_at = excluded.expires_at",
            ("$u", user), ("$l", locale), ("$e", Now + (long)ttl.TotalMilliseconds)));

    public Task<bool> AddFeedbackAsync(FeedbackRecord feedback, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(feedback, StorageJson.Default.FeedbackRecord);
        return WriteAsync(writer => writer.Execute("INSERT INTO feedback (diagnosis_id, user, at, json) VALUES ($d, $u, $a, $j) ON CONFLICT DO NOTHING",
            ("$d", feedback.DiagnosisId), ("$u", feedback.User), ("$a", feedback.At.ToUnixTimeMilliseconds()), ("$j", json)) == 1);
    }

    public Task<IReadOnlyList<FeedbackRecord>> FeedbackSinceAsync(DateTimeOffset since, CancellationToken ct)
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT json FROM feedback WHERE at >= $s ORDER BY at", ("$s", since.ToUnixTimeMilliseconds()));
        return Task.FromResult<IReadOnlyList<FeedbackRecord>>(ReadJson(command, json => JsonSerializer.Deserialize(json, StorageJson.Default.FeedbackRecord)!));
    }

    public Task AddDiagnosisAsync(DiagnosisRecord record, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(record, StorageJson.Default.DiagnosisRecord);
        return WriteAsync(writer => writer.Execute("INSERT INTO diagnoses (id, at, json) VALUES ($i, $a, $j) ON CONFLICT (id) DO UPDATE SET json = excluded.json",
            ("$i", record.DiagnosisId), ("$a", record.At.ToUnixTimeMilliseconds()), ("$j", json)));
    }

    public Task<DiagnosisRecord?> GetDiagnosisAsync(string diagnosisId, CancellationToken ct)
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT json FROM diagnoses WHERE id = $i", ("$i", diagnosisId));
        var json = command.ExecuteScalar() as string;
        return Task.FromResult(json is null ? null : JsonSerializer.Deserialize(json, StorageJson.Default.DiagnosisRecord));
    }

    public Task<IReadOnlyList<DiagnosisRecord>> DiagnosesSinceAsync(DateTimeOffset since, CancellationToken ct)
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT json FROM diagnoses WHERE at >= $s ORDER BY at", ("$s", since.ToUnixTimeMilliseconds()));
        return Task.FromResult<IReadOnlyList<DiagnosisRecord>>(ReadJson(command, json => JsonSerializer.Deserialize(json, StorageJson.Default.DiagnosisRecord)!));
    }

    public Task RememberAsync(long numberId, DateTimeOffset at, CancellationToken ct) =>
        WriteAsync(writer => writer.Execute("INSERT INTO deleted_numbers (id, at) VALUES ($i, $a) ON CONFLICT (id) DO UPDATE SET at = excluded.at",
            ("$i", numberId), ("$a", at.ToUnixTimeMilliseconds())));

    public Task<DateTimeOffset?> DeletedAtAsync(long numberId, CancellationToken ct)
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT at FROM deleted_numbers WHERE id = $i", ("$i", numberId));
        return Task.FromResult(command.ExecuteScalar() is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null);
    }

    public Task MuteAsync(long numberId, DateTimeOffset until, string by, CancellationToken ct) =>
        WriteAsync(writer => writer.Execute("INSERT INTO alert_mutes (number, until, by) VALUES ($n, $u, $b) ON CONFLICT (number) DO UPDATE SET until = excluded.until, by = excluded.by",
            ("$n", numberId), ("$u", until.ToUnixTimeMilliseconds()), ("$b", by)));

    public Task<string?> MutedByAsync(long numberId, DateTimeOffset now, CancellationToken ct)
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT by FROM alert_mutes WHERE number = $n AND until > $now", ("$n", numberId), ("$now", now.ToUnixTimeMilliseconds()));
        return Task.FromResult(command.ExecuteScalar() as string);
    }

    public Task<AlertBurst> AddAlertAsync(long numberId, DateTimeOffset now, TimeSpan window, CancellationToken ct) =>
        WriteAsync(writer =>
        {
            var old = (now - window).ToUnixTimeMilliseconds();
            var command = writer.Command("""
                INSERT INTO alert_bursts (number, since, count) VALUES ($n, $now, 1)
                ON CONFLICT (number) DO UPDATE SET
                  count = CASE WHEN alert_bursts.since <= $old THEN 1 ELSE alert_bursts.count + 1 END,
                  since = CASE WHEN alert_bursts.since <= $old THEN $now ELSE alert_bursts.since END
                RETURNING since, count
                """, ("$n", numberId), ("$now", now.ToUnixTimeMilliseconds()), ("$old", old));
            AlertBurst burst;
            using (var reader = command.ExecuteReader())
            {
                reader.Read();
                burst = new AlertBurst(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), reader.GetInt32(1));
            }

            // The summaries of runs that ended are not needed any more.
            writer.Execute("DELETE FROM alert_summaries WHERE number = $n AND since <= $old", ("$n", numberId), ("$old", old));
            return burst;
        });

    public Task SetSummaryAsync(long numberId, DateTimeOffset since, string place, string messageId, CancellationToken ct) =>
        WriteAsync(writer => writer.Execute(
            "INSERT INTO alert_summaries (number, since, place, message_id) VALUES ($n, $s, $p, $m) ON CONFLICT DO UPDATE SET message_id = excluded.message_id",
            ("$n", numberId), ("$s", since.ToUnixTimeMilliseconds()), ("$p", place), ("$m", messageId)));

    public Task<string?> SummaryAsync(long numberId, DateTimeOffset since, string place, CancellationToken ct)
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT message_id FROM alert_summaries WHERE number = $n AND since = $s AND place = $p",
            ("$n", numberId), ("$s", since.ToUnixTimeMilliseconds()), ("$p", place));
        return Task.FromResult(command.ExecuteScalar() as string);
    }

    public Task SubscribeAsync(AlertSubscription subscription, CancellationToken ct) =>
        WriteAsync(writer => writer.Execute("INSERT INTO alert_subscriptions (place, json) VALUES ($p, $j) ON CONFLICT (place) DO UPDATE SET json = excluded.json",
            ("$p", subscription.Place), ("$j", _json.Serialize(subscription))));

    public Task<bool> UnsubscribeAsync(string place, CancellationToken ct) =>
        WriteAsync(writer => writer.Execute("DELETE FROM alert_subscriptions WHERE place = $p", ("$p", place)) == 1);

    public Task<IReadOnlyList<AlertSubscription>> SubscriptionsAsync(CancellationToken ct)
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT json FROM alert_subscriptions ORDER BY place");
        return Task.FromResult<IReadOnlyList<AlertSubscription>>(ReadJson(command, _json.TryDeserialize<AlertSubscription>).OfType<AlertSubscription>().ToList());
    }

    public Task RegisterAsync(string auditId, string place, CancellationToken ct) =>
        WriteAsync(writer => writer.Execute("INSERT INTO audits (id, place) VALUES ($i, $p) ON CONFLICT (id) DO NOTHING", ("$i", auditId), ("$p", place)));

    public Task<bool> CancelAsync(string auditId, string place, CancellationToken ct) =>
        WriteAsync(writer => writer.Execute("UPDATE audits SET cancelled = 1 WHERE id = $i AND place = $p", ("$i", auditId), ("$p", place)) == 1);

    public Task<bool> IsCancelledAsync(string auditId, CancellationToken ct)
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT cancelled FROM audits WHERE id = $i", ("$i", auditId));
        return Task.FromResult(command.ExecuteScalar() is long cancelled && cancelled == 1);
    }

    public Task<bool> TryRunAsync(string auditId, DateTimeOffset now, DateTimeOffset until, CancellationToken ct) =>
        WriteAsync(writer => writer.Execute("""
            INSERT INTO audit_slot (slot, id, until) VALUES (0, $i, $u)
            ON CONFLICT (slot) DO UPDATE SET id = excluded.id, until = excluded.until WHERE audit_slot.id = excluded.id OR audit_slot.until <= $now
            """, ("$i", auditId), ("$u", until.ToUnixTimeMilliseconds()), ("$now", now.ToUnixTimeMilliseconds())) == 1);

    public Task EndRunAsync(string auditId, CancellationToken ct) =>
        WriteAsync(writer => writer.Execute("DELETE FROM audit_slot WHERE id = $i", ("$i", auditId)));

    public Task SetMessageAsync(string auditId, string messageId, CancellationToken ct) =>
        WriteAsync(writer => writer.Execute("UPDATE audits SET message_id = $m WHERE id = $i", ("$i", auditId), ("$m", messageId)));

    public Task<string?> MessageAsync(string auditId, CancellationToken ct)
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT message_id FROM audits WHERE id = $i", ("$i", auditId));
        return Task.FromResult(command.ExecuteScalar() as string);
    }

    public Task SaveRowsAsync(string auditId, string page, string rowsJson, CancellationToken ct) =>
        WriteAsync(writer => writer.Execute("INSERT INTO audit_rows (audit_id, page, json) VALUES ($a, $p, $j) ON CONFLICT DO UPDATE SET json = excluded.json",
            ("$a", auditId), ("$p", page), ("$j", rowsJson)));

    public Task<IReadOnlyList<string>> RowsAsync(string auditId, CancellationToken ct)
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT json FROM audit_rows WHERE audit_id = $a ORDER BY page", ("$a", auditId));
        return Task.FromResult<IReadOnlyList<string>>(ReadJson(command, json => json));
    }

    public Task SaveFileAsync(string key, byte[] content, DateTimeOffset expires, CancellationToken ct) =>
        WriteAsync(writer => writer.Execute("INSERT INTO report_files (key, content, expires) VALUES ($k, $c, $e) ON CONFLICT (key) DO UPDATE SET content = excluded.content, expires = excluded.expires",
            ("$k", key), ("$c", content), ("$e", expires.ToUnixTimeMilliseconds())));

    public Task<byte[]?> FileAsync(string key, DateTimeOffset now, CancellationToken ct)
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT content FROM report_files WHERE key = $k AND expires > $now", ("$k", key), ("$now", now.ToUnixTimeMilliseconds()));
        return Task.FromResult(command.ExecuteScalar() as byte[]);
    }

    public async ValueTask EnqueueAsync(WorkItem item, CancellationToken ct)
    {
        // Returns once the item is committed, and on disk unless synchronous=NORMAL (group commit with whatever else
        // is being written right now). Not cancellable: once queued, the write happens anyway, within milliseconds.
        var json = _json.Serialize(item);
        var due = item.NotBefore?.ToUnixTimeMilliseconds() ?? Now;
        await AckWriteAsync(writer => writer.Execute("INSERT INTO outbox (id, due, status, json) VALUES ($i, $d, 'pending', $j) ON CONFLICT (id) DO NOTHING",
            ("$i", item.Id), ("$d", due), ("$j", json)));
        WakeFor(item);
    }

    public async ValueTask<bool> EnqueueOnceAsync(WorkItem item, string dedupeKey, TimeSpan window, CancellationToken ct)
    {
        var json = _json.Serialize(item);
        var due = item.NotBefore?.ToUnixTimeMilliseconds() ?? Now;
        // One write function is one transaction: if the insert into the outbox throws (a full disk), the key's insert
        // is rolled back with it.
        var first = await AckWriteAsync(writer =>
        {
            if (writer.Execute("""
                INSERT INTO dedupe (key, expires_at) VALUES ($k, $e)
                ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE dedupe.expires_at <= $now
                """, ("$k", dedupeKey), ("$e", Now + (long)window.TotalMilliseconds), ("$now", Now)) != 1)
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
    public Task<IReadOnlyList<WorkItem>> ClaimAsync(int max, TimeSpan lease, CancellationToken ct) => AckWriteAsync<IReadOnlyList<WorkItem>>(writer =>
    {
        PurgeExpired(writer);
        // The due items, with who held them before: an owner whose lease ran out stopped while working on one (a take-over).
        var ids = new List<string>();
        var previous = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var due = writer.Command("SELECT id, owner FROM outbox WHERE status = 'pending' AND due <= $now ORDER BY due LIMIT $n",
            ("$now", Now), ("$n", max)).ExecuteReader())
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
            """, ("$lease", Now + (long)lease.TotalMilliseconds), ("$me", _instanceId), ("$ids", JsonIds(ids)));
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
        return WriteAsync(writer => writer.Execute(
            "UPDATE outbox SET due = $lease WHERE owner = $me AND status = 'pending' AND id IN (SELECT value FROM json_each($ids))",
            ("$lease", Now + (long)lease.TotalMilliseconds), ("$me", _instanceId), ("$ids", list)));
    }

    public Task SaveProgressAsync(WorkItem item, CancellationToken ct)
    {
        var json = _json.Serialize(item);
        return WriteAsync(writer => writer.Execute("UPDATE outbox SET json = $j WHERE id = $i AND status = 'pending'", ("$i", item.Id), ("$j", json)));
    }

    public Task CompleteAsync(WorkItem item, CancellationToken ct) =>
        WriteAsync(writer => writer.Execute("DELETE FROM outbox WHERE id = $i", ("$i", item.Id)));

    public Task RetryAsync(WorkItem item, DateTimeOffset notBefore, string error, CancellationToken ct)
    {
        var json = _json.Serialize(item);
        return WriteAsync(writer => writer.Execute("UPDATE outbox SET due = $d, json = $j, error = $e, owner = NULL WHERE id = $i",
            ("$i", item.Id), ("$d", notBefore.ToUnixTimeMilliseconds()), ("$j", json), ("$e", error)));
    }

    public Task DeadLetterAsync(WorkItem item, string error, CancellationToken ct)
    {
        var json = _json.Serialize(item);
        return WriteAsync(writer => writer.Execute("UPDATE outbox SET status = 'dead', json = $j, error = $e, owner = NULL WHERE id = $i",
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
        WriteAsync(writer => writer.Execute("INSERT INTO dedupe (key, expires_at) VALUES ('ready-probe', $e) ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at",
            ("$e", (_time.GetUtcNow() + TimeSpan.FromMinutes(1)).ToUnixTimeMilliseconds())));

    public Task<int> CountPendingAsync(CancellationToken ct)
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT count(*) FROM outbox WHERE status = 'pending'");
        return Task.FromResult(Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    public Task WaitForWorkAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);

    private void WakeFor(WorkItem item)
    {
        if (item.IsDueBy(_time.GetUtcNow()))
        {
            _signal.Notify();
        }
    }

    /// <summary>Every few minutes, drops what has expired, so the file does not grow without end (writer thread only).</summary>
    private void PurgeExpired(SqliteWriter.Statements writer)
    {
        var now = Now;
        if (now < _nextPurge)
        {
            return;
        }

        _nextPurge = now + 300_000;
        writer.Execute("""
            DELETE FROM dedupe WHERE expires_at <= $now;
            DELETE FROM locales WHERE expires_at <= $now;
            DELETE FROM conversations WHERE updated_at < $old;
            """, ("$now", now), ("$old", now - (long)_conversationRetention.TotalMilliseconds));
    }
}
