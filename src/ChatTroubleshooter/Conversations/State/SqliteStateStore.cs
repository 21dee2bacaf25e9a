using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace ChatTroubleshooter.Conversations.State;

/// <summary>
/// State in one SQLite file (the default; WAL mode): conversations with a version for optimistic concurrency,
/// dedupe keys and locales with expiry, feedback, and the durable outbox. Safe for several processes on one
/// machine; use Redis for instances on several machines.
/// <para>
/// SQLite has one writer at a time: writes of this process take turns on one lock (no busy retries), and work
/// accepted by the channels is group-committed: the acks waiting at the same moment share one transaction, and
/// each returns only once its item is written.
/// </para>
/// </summary>
internal sealed class SqliteStateStore : IStateStore, IDisposable
{
    private const int MaxBatch = 512;

    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly Channel<(WorkItem Item, TaskCompletionSource Done)> _accepted =
        System.Threading.Channels.Channel.CreateUnbounded<(WorkItem, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _committer;
    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly WorkSignal _signal = new();
    private readonly TimeSpan _conversationRetention;
    private long _nextPurge;

    private readonly string _synchronous;

    /// <param name="synchronous">
    /// SQLite's <c>synchronous</c> pragma: <c>FULL</c> (the default) syncs every commit to disk, so accepted work
    /// survives a power loss; <c>NORMAL</c> is faster and survives a crash of the process, not of the machine.
    /// </param>
    public SqliteStateStore(string path, TimeProvider time, TimeSpan? conversationRetention = null, string synchronous = "FULL")
    {
        _synchronous = synchronous.ToUpperInvariant() is "FULL" or "NORMAL" ? synchronous.ToUpperInvariant()
            : throw new ArgumentException("synchronous must be FULL or NORMAL.", nameof(synchronous));
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
        using var connection = Open();
        Execute(connection, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS conversations (key TEXT PRIMARY KEY, version INTEGER NOT NULL, updated_at INTEGER NOT NULL, json TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS dedupe (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS locales (user TEXT PRIMARY KEY, locale TEXT, expires_at INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS feedback (diagnosis_id TEXT NOT NULL, user TEXT NOT NULL, at INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (diagnosis_id, user));
            CREATE TABLE IF NOT EXISTS diagnoses (id TEXT PRIMARY KEY, at INTEGER NOT NULL, json TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS diagnoses_at ON diagnoses (at);
            CREATE TABLE IF NOT EXISTS outbox (id TEXT PRIMARY KEY, due INTEGER NOT NULL, status TEXT NOT NULL, json TEXT NOT NULL, error TEXT);
            CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, due);
            """);
        _committer = Task.Run(CommitAcceptedAsync);
    }

    /// <summary>Stops accepting work and lets the committer write what it already has.</summary>
    public void Dispose()
    {
        _accepted.Writer.TryComplete();
        try
        {
            _committer.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Already reported to the requests that were waiting.
        }
    }

    /// <summary>Runs a write alone (SQLite allows one writer): no SQLITE_BUSY within this process.</summary>
    private async Task<T> WriteAsync<T>(Func<SqliteConnection, T> write)
    {
        await _write.WaitAsync();
        try
        {
            using var connection = Open();
            return write(connection);
        }
        finally
        {
            _write.Release();
        }
    }

    /// <summary>Group commit of accepted work: everything waiting goes into one transaction.</summary>
    private async Task CommitAcceptedAsync()
    {
        var batch = new List<(WorkItem Item, TaskCompletionSource Done)>(MaxBatch);
        while (await _accepted.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _accepted.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            try
            {
                Observability.BotMetrics.CommitBatch.Record(batch.Count);
                await WriteAsync(connection =>
                {
                    using var transaction = connection.BeginTransaction();
                    using var insert = Command(connection, "INSERT INTO outbox (id, due, status, json) VALUES ($i, $d, 'pending', $j) ON CONFLICT (id) DO NOTHING",
                        ("$i", ""), ("$d", 0L), ("$j", ""));
                    insert.Transaction = transaction;
                    foreach (var (item, _) in batch)
                    {
                        insert.Parameters["$i"].Value = item.Id;
                        insert.Parameters["$d"].Value = item.NotBefore?.ToUnixTimeMilliseconds() ?? Now;
                        insert.Parameters["$j"].Value = WorkItemJson.Serialize(item);
                        insert.ExecuteNonQuery();
                    }

                    transaction.Commit();
                    return batch.Count;
                }).ConfigureAwait(false);
                foreach (var (_, done) in batch)
                {
                    done.TrySetResult();
                }

                _signal.Notify();
            }
            catch (Exception e)
            {
                // Never let the committer die: the requests in this batch fail (their channel answers 500 and
                // Slack/Teams retry), later ones get their own transaction.
                foreach (var (_, done) in batch)
                {
                    done.TrySetException(e);
                }
            }
        }
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // A per-connection setting: pooled connections need it too.
        using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA synchronous = {_synchronous}";
        pragma.ExecuteNonQuery();
        return connection;
    }

    private static int Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
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
        return WriteAsync(connection => (expectedVersion == 0
            ? Execute(connection, "INSERT INTO conversations (key, version, updated_at, json) VALUES ($k, 1, $u, $j) ON CONFLICT (key) DO NOTHING",
                ("$k", conversation.Key), ("$u", updated), ("$j", json))
            : Execute(connection, "UPDATE conversations SET version = version + 1, updated_at = $u, json = $j WHERE key = $k AND version = $v",
                ("$k", conversation.Key), ("$u", updated), ("$j", json), ("$v", expectedVersion))) == 1);
    }

    public Task DeleteAsync(string key, CancellationToken ct) =>
        WriteAsync(connection => Execute(connection, "DELETE FROM conversations WHERE key = $k", ("$k", key)));

    public Task<bool> TryFirstAsync(string key, TimeSpan ttl, CancellationToken ct) =>
        WriteAsync(connection => Execute(connection, """
            INSERT INTO dedupe (key, expires_at) VALUES ($k, $e)
            ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE dedupe.expires_at <= $now
            """, ("$k", key), ("$e", Now + (long)ttl.TotalMilliseconds), ("$now", Now)) == 1);

    public Task<(bool Found, string? Locale)> GetLocaleAsync(string user, CancellationToken ct)
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT locale FROM locales WHERE user = $u AND expires_at > $now", ("$u", user), ("$now", Now));
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? (true, reader.IsDBNull(0) ? null : reader.GetString(0)) : (false, (string?)null));
    }

    public Task SetLocaleAsync(string user, string? locale, TimeSpan ttl, CancellationToken ct) =>
        WriteAsync(connection => Execute(connection, "INSERT INTO locales (user, locale, expires_at) VALUES ($u, $l, $e) ON CONFLICT (user) DO UPDATE SET locale = excluded.locale, expires_at = excluded.expires_at",
            ("$u", user), ("$l", locale), ("$e", Now + (long)ttl.TotalMilliseconds)));

    public Task<bool> AddFeedbackAsync(FeedbackRecord feedback, CancellationToken ct) =>
        WriteAsync(connection => Execute(connection, "INSERT INTO feedback (diagnosis_id, user, at, json) VALUES ($d, $u, $a, $j) ON CONFLICT DO NOTHING",
            ("$d", feedback.DiagnosisId), ("$u", feedback.User), ("$a", feedback.At.ToUnixTimeMilliseconds()), ("$j", JsonSerializer.Serialize(feedback))) == 1);

    public Task<IReadOnlyList<FeedbackRecord>> FeedbackSinceAsync(DateTimeOffset since, CancellationToken ct)
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT json FROM feedback WHERE at >= $s ORDER BY at", ("$s", since.ToUnixTimeMilliseconds()));
        return Task.FromResult<IReadOnlyList<FeedbackRecord>>(ReadJson(command, json => JsonSerializer.Deserialize<FeedbackRecord>(json)!));
    }

    public Task AddDiagnosisAsync(DiagnosisRecord record, CancellationToken ct) =>
        WriteAsync(connection => Execute(connection, "INSERT INTO diagnoses (id, at, json) VALUES ($i, $a, $j) ON CONFLICT (id) DO UPDATE SET json = excluded.json",
            ("$i", record.DiagnosisId), ("$a", record.At.ToUnixTimeMilliseconds()), ("$j", JsonSerializer.Serialize(record))));

    public Task<DiagnosisRecord?> GetDiagnosisAsync(string diagnosisId, CancellationToken ct)
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT json FROM diagnoses WHERE id = $i", ("$i", diagnosisId));
        var json = command.ExecuteScalar() as string;
        return Task.FromResult(json is null ? null : JsonSerializer.Deserialize<DiagnosisRecord>(json));
    }

    public Task<IReadOnlyList<DiagnosisRecord>> DiagnosesSinceAsync(DateTimeOffset since, CancellationToken ct)
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT json FROM diagnoses WHERE at >= $s ORDER BY at", ("$s", since.ToUnixTimeMilliseconds()));
        return Task.FromResult<IReadOnlyList<DiagnosisRecord>>(ReadJson(command, json => JsonSerializer.Deserialize<DiagnosisRecord>(json)!));
    }

    public async ValueTask EnqueueAsync(WorkItem item, CancellationToken ct)
    {
        // Returns once the item is committed (group commit with whatever else is being accepted right now).
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_accepted.Writer.TryWrite((item, done)))
        {
            throw new ObjectDisposedException(nameof(SqliteStateStore));
        }

        await done.Task.WaitAsync(ct);
    }

    public Task<IReadOnlyList<WorkItem>> ClaimAsync(int max, TimeSpan lease, CancellationToken ct) => WriteAsync<IReadOnlyList<WorkItem>>(connection =>
    {
        PurgeExpired(connection);
        // Claiming pushes "due" to the end of the lease: a worker that dies leaves the item due again then.
        using var command = Command(connection, """
            UPDATE outbox SET due = $lease
            WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND due <= $now ORDER BY due LIMIT $n)
            RETURNING json
            """, ("$lease", Now + (long)lease.TotalMilliseconds), ("$now", Now), ("$n", max));
        return ReadJson(command, WorkItemJson.Deserialize);
    });

    public Task SaveProgressAsync(WorkItem item, CancellationToken ct) =>
        WriteAsync(connection => Execute(connection, "UPDATE outbox SET json = $j WHERE id = $i AND status = 'pending'",
            ("$i", item.Id), ("$j", WorkItemJson.Serialize(item))));

    public Task CompleteAsync(WorkItem item, CancellationToken ct) =>
        WriteAsync(connection => Execute(connection, "DELETE FROM outbox WHERE id = $i", ("$i", item.Id)));

    public Task RetryAsync(WorkItem item, DateTimeOffset notBefore, string error, CancellationToken ct) =>
        WriteAsync(connection => Execute(connection, "UPDATE outbox SET due = $d, json = $j, error = $e WHERE id = $i",
            ("$i", item.Id), ("$d", notBefore.ToUnixTimeMilliseconds()), ("$j", WorkItemJson.Serialize(item)), ("$e", error)));

    public Task DeadLetterAsync(WorkItem item, string error, CancellationToken ct) =>
        WriteAsync(connection => Execute(connection, "UPDATE outbox SET status = 'dead', json = $j, error = $e WHERE id = $i",
            ("$i", item.Id), ("$j", WorkItemJson.Serialize(item)), ("$e", error)));

    public Task<IReadOnlyList<WorkItem>> DeadLettersAsync(CancellationToken ct)
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT json FROM outbox WHERE status = 'dead' ORDER BY due");
        return Task.FromResult<IReadOnlyList<WorkItem>>(ReadJson(command, WorkItemJson.Deserialize));
    }

    public Task WaitForWorkAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);

    /// <summary>Every few minutes, drops what has expired, so the file does not grow without end.</summary>
    private void PurgeExpired(SqliteConnection connection)
    {
        var now = Now;
        var next = Interlocked.Read(ref _nextPurge);
        if (now < next || Interlocked.CompareExchange(ref _nextPurge, now + 300_000, next) != next)
        {
            return;
        }

        Execute(connection, """
            DELETE FROM dedupe WHERE expires_at <= $now;
            DELETE FROM locales WHERE expires_at <= $now;
            DELETE FROM conversations WHERE updated_at < $old;
            """, ("$now", now), ("$old", now - (long)_conversationRetention.TotalMilliseconds));
    }
}
