using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Win32.SafeHandles;

namespace ChatTroubleshooter.Storage.Sqlite;

/// <summary>
/// The one writer of a SQLite file in WAL mode (SQLite allows one writer at a time, so this process has exactly
/// one): a thread of its own with one connection and its prepared statements.
/// <list type="bullet">
/// <item><b>Group commit</b>: every write waiting when a transaction starts goes into that one transaction.</item>
/// <item><b>Pipelined sync</b> (when <c>durable</c>): the connection commits without syncing, and a second thread
/// syncs the WAL file and only then tells the batch's callers, while the writer already runs the next batch. A
/// caller returns once its write is on disk, as with SQLite's <c>synchronous=FULL</c>, but the disk's sync latency
/// no longer stops the writer: one sync covers every batch committed while the previous one ran.</item>
/// <item><b>Acks first</b>: writes of outbox work wait while acks' writes are queued (at most 100 ms), and then go in
/// transactions of their own.</item>
/// <item><b>Checkpoints</b> on a connection of their own (PASSIVE: they never block the writer or readers), instead
/// of inside whichever commit crosses SQLite's 1,000-page mark. After each one the writer copies, itself, the few
/// frames committed meanwhile: only a checkpoint that leaves no frame behind lets the next commit start the WAL
/// file over, and one running beside a busy writer never does (the WAL then grew by tens of MB a second under load,
/// and every append to the growing file cost the kernel a zeroed page).</item>
/// </list>
/// If one write of a batch throws, the transaction is rolled back and the batch's writes run again one transaction
/// each, so a bad write fails alone. The threads never die: a failed commit or sync fails that batch's callers.
/// </summary>
internal sealed class SqliteWriter : IDisposable
{
    private const int MaxBatch = 1024;

    /// <summary>A checkpoint after this many commits, or every second.</summary>
    private const int CommitsPerCheckpoint = 200;

    /// <summary>A WAL that grew past this (a burst, a reader holding an old snapshot) is cut back when it starts over.</summary>
    private const long WalSizeLimit = 64L * 1024 * 1024;

    private readonly Channel<PendingWrite> _foreground = Channel.CreateUnbounded<PendingWrite>();
    private readonly Channel<PendingWrite> _background = Channel.CreateUnbounded<PendingWrite>();
    private readonly ConcurrentQueue<PendingWrite[]> _committed = new();
    private readonly Wakeup _writerWakeup;
    private readonly Wakeup _syncerWakeup;
    private volatile bool _writerDone;
    private readonly string _connectionString;
    private readonly string _walPath;
    private readonly bool _durable;
    private readonly Thread _writer;
    private readonly Thread? _syncer;
    private readonly Thread _checkpointer;
    private readonly SemaphoreSlim _checkpointDue = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeSpan _maxBackgroundWait;
    private int _disposed;

    /// <summary>Set by the checkpointer after each checkpoint: the writer copies what was committed meanwhile.</summary>
    private volatile bool _catchUpDue;

    /// <param name="durable">Sync every commit to disk before telling its callers (survives a power loss).</param>
    /// <param name="maxBackgroundWait">How long writes of outbox work may wait while acks keep the writer busy (100 ms).</param>
    public SqliteWriter(string connectionString, string databasePath, bool durable, TimeSpan? maxBackgroundWait = null)
    {
        _maxBackgroundWait = maxBackgroundWait ?? TimeSpan.FromMilliseconds(100);
        _connectionString = connectionString;
        _walPath = databasePath + "-wal";
        _durable = durable;
        _writerWakeup = new Wakeup(() => _foreground.Reader.TryPeek(out _) || _background.Reader.TryPeek(out _) || WritersClosed);
        _syncerWakeup = new Wakeup(() => !_committed.IsEmpty || _writerDone);
        var connection = Open(connectionString);
        // The writer's own settings: no sync inside a commit (the syncer does it when durable), no checkpoints of its own.
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = $"PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = {WalSizeLimit}";
            pragma.ExecuteNonQuery();
        }

        _writer = new Thread(() => WriteLoop(connection)) { IsBackground = true, Name = "SQLite writer" };
        _writer.Start();
        if (durable)
        {
            _syncer = new Thread(SyncLoop) { IsBackground = true, Name = "SQLite sync" };
            _syncer.Start();
        }

        // Checkpoints block on disk I/O for milliseconds: a thread of their own, not one of the thread pool's.
        _checkpointer = new Thread(CheckpointLoop) { IsBackground = true, Name = "SQLite checkpoint" };
        _checkpointer.Start();
    }

    /// <summary>
    /// Queues a write; completes once it is committed (and, when durable, on disk), or failed. <see cref="WritePriority.Background"/>
    /// writes are committed in transactions of their own when no ack is waiting, or once they have waited long enough
    /// (100 ms), so that a burst of acks never waits behind them.
    /// </summary>
    public Task<T> WriteAsync<T>(WritePriority priority, Func<Statements, T> write)
    {
        var pending = new PendingWrite<T>(write);
        var queue = priority == WritePriority.Background ? _background : _foreground;
        if (!queue.Writer.TryWrite(pending))
        {
            return Task.FromException<T>(new ObjectDisposedException(nameof(SqliteWriter)));
        }

        _writerWakeup.Wake();
        return pending.Task;
    }

    /// <summary>Stops accepting writes, commits and syncs what is queued, and checkpoints once more.</summary>
    public void Dispose()
    {
        // The container may dispose the store once per interface it is registered as.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _foreground.Writer.TryComplete();
        _background.Writer.TryComplete();
        _writerWakeup.Wake();
        _writer.Join(TimeSpan.FromSeconds(5));
        _syncer?.Join(TimeSpan.FromSeconds(5));
        _stopping.Cancel();
        _checkpointer.Join(TimeSpan.FromSeconds(5));
        _stopping.Dispose();
        _checkpointDue.Dispose();
    }

    private static SqliteConnection Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }

    private void WriteLoop(SqliteConnection connection)
    {
        using var statements = new Statements(connection);
        var batch = new List<PendingWrite>(MaxBatch);
        var commits = 0L;
        while (true)
        {
            batch.Clear();
            var backgroundDue = _background.Reader.TryPeek(out var oldest) && Stopwatch.GetElapsedTime(oldest.Queued) >= _maxBackgroundWait;
            var reader = !backgroundDue && _foreground.Reader.TryPeek(out _) ? _foreground.Reader : _background.Reader;
            while (batch.Count < MaxBatch && reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            if (batch.Count == 0)
            {
                if (WritersClosed)
                {
                    break;
                }

                _writerWakeup.Sleep();
                continue;
            }

            Observability.BotMetrics.CommitBatch.Record(batch.Count);
            if (!statements.TryRunAll(CollectionsMarshal.AsSpan(batch)))
            {
                foreach (var write in batch)
                {
                    statements.TryRunAll([write]);
                }
            }

            if (_durable)
            {
                _committed.Enqueue([.. batch]);
                _syncerWakeup.Wake();
            }
            else
            {
                foreach (var write in batch)
                {
                    write.Complete();
                }
            }

            if (++commits % CommitsPerCheckpoint == 0 && _checkpointDue.CurrentCount == 0)
            {
                _checkpointDue.Release();
            }

            if (_catchUpDue)
            {
                _catchUpDue = false;
                statements.CheckpointCatchUp();
            }
        }

        _writerDone = true;
        _syncerWakeup.Wake();
    }

    /// <summary>Both queues closed (stopping) and emptied.</summary>
    private bool WritersClosed => _foreground.Reader.Completion.IsCompleted && _background.Reader.Completion.IsCompleted;

    /// <summary>
    /// Syncs the WAL file once for every batch committed since the last sync, then tells their callers. A sync
    /// (fsync, FlushFileBuffers) covers every write made to the file before it, whichever handle made it.
    /// </summary>
    private void SyncLoop()
    {
        SafeFileHandle? wal = null;
        var ready = new List<PendingWrite[]>();
        try
        {
            while (true)
            {
                ready.Clear();
                while (_committed.TryDequeue(out var batch))
                {
                    ready.Add(batch);
                }

                if (ready.Count == 0)
                {
                    if (_writerDone && _committed.IsEmpty)
                    {
                        break;
                    }

                    _syncerWakeup.Sleep();
                    continue;
                }

                Exception? failed = null;
                try
                {
                    // The WAL file exists from the first commit on and stays while the writer's connection is open.
                    wal ??= File.OpenHandle(_walPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
                    RandomAccess.FlushToDisk(wal);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Committed but not known to be on disk: the callers hear of it (Slack and Teams then retry).
                    failed = e;
                }

                foreach (var batch in ready)
                {
                    foreach (var write in batch)
                    {
                        if (failed is not null)
                        {
                            write.Fail(failed);
                        }

                        write.Complete();
                    }
                }
            }
        }
        finally
        {
            wal?.Dispose();
        }
    }

    private void CheckpointLoop()
    {
        using var connection = Open(_connectionString);
        using (var pragma = connection.CreateCommand())
        {
            // NORMAL in WAL mode: the WAL is synced before a checkpoint copies it, the database after.
            pragma.CommandText = "PRAGMA synchronous = NORMAL";
            pragma.ExecuteNonQuery();
        }

        using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                _checkpointDue.Wait(TimeSpan.FromSeconds(1), _stopping.Token);
                checkpoint.ExecuteNonQuery();
                _catchUpDue = true;
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SqliteException)
            {
                // Busy or locked now: the next round copies what this one could not.
            }
        }

        // The last one on the way out, so that a clean stop leaves an empty WAL.
        try
        {
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            checkpoint.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
        }
    }

    /// <summary>
    /// Puts a thread of ours to sleep until there is something for it, without spinning first: a blocking wait on a
    /// task spins (sched_yield) before it sleeps, which on two cores took the CPU from the requests.
    /// </summary>
    /// <param name="ready">Whether there is work for the thread (or it should stop).</param>
    private sealed class Wakeup(Func<bool> ready)
    {
        private readonly ManualResetEventSlim _event = new(initialState: false, spinCount: 0);
        private int _sleeping;

        /// <summary>Sleeps unless <c>ready</c>, asked once the sleep is announced, says there is work.</summary>
        public void Sleep()
        {
            _event.Reset();
            // Announce first, then look (a full fence in between): a Wake after that look sees the announcement.
            Interlocked.Exchange(ref _sleeping, 1);
            if (!ready())
            {
                _event.Wait();
            }

            Volatile.Write(ref _sleeping, 0);
        }

        /// <summary>Called after queueing work: wakes the thread if it sleeps (or is about to).</summary>
        public void Wake()
        {
            // The fence keeps the read below from moving before the caller's queueing.
            Interlocked.MemoryBarrier();
            if (Volatile.Read(ref _sleeping) == 1 && Interlocked.Exchange(ref _sleeping, 0) == 1)
            {
                _event.Set();
            }
        }
    }

    internal abstract class PendingWrite
    {
        public long Queued { get; } = Stopwatch.GetTimestamp();

        public abstract void Run(Statements statements);

        /// <summary>Records the failure; the caller hears of it at <see cref="Complete"/>.</summary>
        public abstract void Fail(Exception error);

        /// <summary>Tells the caller (its continuation goes to the thread pool, never onto the writer's threads).</summary>
        public abstract void Complete();
    }

    private sealed class PendingWrite<T>(Func<Statements, T> write) : PendingWrite
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;
        private Exception? _error;

        public Task<T> Task => _done.Task;

        public override void Run(Statements statements) => _result = write(statements);

        public override void Fail(Exception error) => _error ??= error;

        public override void Complete()
        {
            if (_error is null)
            {
                _done.TrySetResult(_result);
            }
            else
            {
                _done.TrySetException(_error);
            }
        }
    }

    /// <summary>The writer's connection, its open transaction and its prepared statements (one per SQL text).</summary>
    internal sealed class Statements(SqliteConnection connection) : IDisposable
    {
        private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);
        private SqliteTransaction? _transaction;

        /// <summary>
        /// Runs the writes in one transaction; a failed commit marks them all failed. False (nothing committed,
        /// nothing marked) when one write of several threw, so that the caller can run them one by one.
        /// </summary>
        public bool TryRunAll(ReadOnlySpan<PendingWrite> batch)
        {
            var ran = 0;
            try
            {
                _transaction = connection.BeginTransaction();
                for (; ran < batch.Length; ran++)
                {
                    batch[ran].Run(this);
                }

                _transaction.Commit();
            }
            catch (Exception error)
            {
                if (batch.Length > 1 && ran < batch.Length)
                {
                    return false;
                }

                foreach (var write in batch)
                {
                    write.Fail(error);
                }
            }
            finally
            {
                // Rolls back whatever was not committed.
                _transaction?.Dispose();
                _transaction = null;
            }

            return true;
        }

        /// <summary>The prepared command for this SQL, in the current transaction, with these parameter values.</summary>
        public SqliteCommand Command(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
        {
            if (!_prepared.TryGetValue(sql, out var command))
            {
                command = connection.CreateCommand();
                command.CommandText = sql;
                _prepared[sql] = command;
            }

            command.Transaction = _transaction;
            return Bind(command, parameters);
        }

        public int Execute(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters) =>
            Command(sql, parameters).ExecuteNonQuery();

        /// <summary>
        /// A PASSIVE checkpoint on the writer's connection, outside any transaction: with no commit running beside
        /// it, it copies every frame still in the WAL (unless a reader holds an old snapshot), so that the next
        /// commit starts the WAL file over instead of appending to it.
        /// </summary>
        public void CheckpointCatchUp()
        {
            try
            {
                Command("PRAGMA wal_checkpoint(PASSIVE)").ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                // Busy now: the next checkpoint tries again.
            }
        }

        /// <summary>Sets the parameters' values (null as SQL NULL), adding those the command does not have yet.</summary>
        public static SqliteCommand Bind(SqliteCommand command, params ReadOnlySpan<(string Name, object? Value)> parameters)
        {
            foreach (var (name, value) in parameters)
            {
                if (command.Parameters.Contains(name))
                {
                    command.Parameters[name].Value = value ?? DBNull.Value;
                }
                else
                {
                    command.Parameters.AddWithValue(name, value ?? DBNull.Value);
                }
            }

            return command;
        }

        public void Dispose()
        {
            foreach (var command in _prepared.Values)
            {
                command.Dispose();
            }

            connection.Dispose();
        }
    }
}

/// <summary>Which writes go first when the writer is busy.</summary>
internal enum WritePriority
{
    /// <summary>A write an ack waits for (accepting work, dedupe): Slack and Teams retry after 3 s.</summary>
    Ack,

    /// <summary>A write of background work (conversation state, outbox progress): waits while acks are queued, at most 100 ms.</summary>
    Background,
}
