using ChatTroubleshooter.Outbox;
using Microsoft.Data.Sqlite;

namespace ChatTroubleshooter.Storage.Sqlite;

/// <summary>
/// The one SQLite file every concern shares (WAL mode): its schema, pooled connections for reads (WAL readers do not wait
/// for the writer), the one <see cref="SqliteWriter"/> every write goes through (group commit, pipelined sync), the
/// clock, and the purge of what has expired.
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    private readonly SqliteWriter _writer;
    private readonly string _connectionString;
    private readonly TimeSpan _conversationRetention;
    private long _nextPurge;

    public TimeProvider Time { get; }

    /// <param name="synchronous">
    /// <c>FULL</c> (the default): a write returns once it is on disk, so accepted work survives a power loss;
    /// <c>NORMAL</c>: once it is committed, which survives a crash of the process, not of the machine.
    /// </param>
    public SqliteDatabase(string path, TimeProvider time, TimeSpan? conversationRetention = null, string synchronous = "FULL")
    {
        var durable = synchronous.ToUpperInvariant() switch
        {
            "FULL" => true,
            "NORMAL" => false,
            _ => throw new ArgumentException("synchronous must be FULL or NORMAL.", nameof(synchronous)),
        };
        Time = time;
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

        }

        _writer = new SqliteWriter(_connectionString, full, durable);
    }

    private static bool HasColumn(SqliteConnection connection, string table, string column)
    {
        using var command = Command(connection, $"SELECT count(*) FROM pragma_table_info('{table}') WHERE name = $c", ("$c", column));
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Stops accepting writes and lets the writer commit what it already has.</summary>
    public void Dispose() => _writer.Dispose();

    /// <summary>A write of background work: it waits while acks' writes are queued (see <see cref="SqliteWriter"/>).</summary>
    public Task<T> WriteAsync<T>(Func<SqliteWriter.Statements, T> write) => _writer.WriteAsync(WritePriority.Background, write);

    /// <summary>A write an ack waits for (accepting work, dedupe), or one that feeds the workers (claims).</summary>
    public Task<T> AckWriteAsync<T>(Func<SqliteWriter.Statements, T> write) => _writer.WriteAsync(WritePriority.Ack, write);

    public long Now => Time.GetUtcNow().ToUnixTimeMilliseconds();

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    public static int Execute(SqliteConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    public static SqliteCommand Command(SqliteConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return SqliteWriter.Statements.Bind(command, parameters);
    }

    /// <summary>Every row's first column (JSON), converted.</summary>
    public static List<T> ReadJson<T>(SqliteCommand command, Func<string, T> convert)
    {
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(convert(reader.GetString(0)));
        }

        return rows;
    }

    /// <summary>Every few minutes, drops what has expired, so the file does not grow without end (writer thread only).</summary>
    public void PurgeExpired(SqliteWriter.Statements writer)
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
