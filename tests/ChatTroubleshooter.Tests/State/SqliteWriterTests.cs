using ChatTroubleshooter.Storage.Sqlite;
using System.Collections.Concurrent;
using ChatTroubleshooter.Storage;
using Microsoft.Data.Sqlite;

namespace ChatTroubleshooter.Tests.State;

/// <summary>
/// The SQLite store's one writer: group commit, a bad write failing alone, acks' writes before outbox work's, and
/// nothing accepted after it stopped. Each test holds the writer thread inside a write ("the gate") while it queues
/// the writes under test, so that they meet in the same batch, deterministically.
/// </summary>
public sealed class SqliteWriterTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("ct-writer-");
    private readonly ConcurrentQueue<string> _ran = new();

    private string DatabasePath => Path.Combine(_directory.FullName, "w.db");

    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString();

    public void Dispose() => _directory.Delete(recursive: true);

    private SqliteWriter Start(bool durable = true, TimeSpan? maxBackgroundWait = null)
    {
        using (var connection = new SqliteConnection(ConnectionString))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = "PRAGMA journal_mode = WAL; CREATE TABLE t (name TEXT PRIMARY KEY)";
            create.ExecuteNonQuery();
        }

        return new SqliteWriter(ConnectionString, DatabasePath, durable, maxBackgroundWait);
    }

    private Func<SqliteWriter.Statements, int> Insert(string name) => s =>
    {
        _ran.Enqueue(name);
        return s.Execute("INSERT INTO t (name) VALUES ($n)", ("$n", name));
    };

    /// <summary>Blocks the writer thread in a write until the returned release is called.</summary>
    private static async Task<Action> HoldAsync(SqliteWriter writer)
    {
        var running = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        _ = writer.WriteAsync(WritePriority.Ack, _ =>
        {
            running.Set();
            release.Wait(TimeSpan.FromSeconds(30));
            return 0;
        });
        await Task.Run(() => running.Wait(TimeSpan.FromSeconds(30)), TestContext.Current.CancellationToken);
        return release.Set;
    }

    /// <summary>Queues a write as background work does.</summary>
    private static Task<int> Background(SqliteWriter writer, Func<SqliteWriter.Statements, int> write) =>
        writer.WriteAsync(WritePriority.Background, write);

    private List<string> Rows()
    {
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT name FROM t ORDER BY name";
        using var reader = select.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ABatchWithOneBadWrite_CommitsTheOthers_AndFailsOnlyTheBadOne(bool durable)
    {
        using var writer = Start(durable);
        var release = await HoldAsync(writer);
        var good = Enumerable.Range(0, 10).Select(i => writer.WriteAsync(WritePriority.Ack, Insert($"row{i}"))).ToList();
        var bad = writer.WriteAsync(WritePriority.Ack, s => s.Execute("INSERT INTO missing_table (x) VALUES (1)"));
        var alsoGood = writer.WriteAsync(WritePriority.Ack, Insert("row10"));
        release();

        Assert.All(await Task.WhenAll(good.Append(alsoGood)), rows => Assert.Equal(1, rows));
        var error = await Assert.ThrowsAsync<SqliteException>(() => bad);
        Assert.Contains("missing_table", error.Message, StringComparison.Ordinal);
        Assert.Equal(11, Rows().Count);
        // They shared the bad write's transaction (rolled back), then ran again one transaction each.
        Assert.Equal(2, _ran.Count(name => name == "row0"));
    }

    [Fact]
    public async Task AcksWritesGoFirst_OutboxWorkWaitsUntilNoAckIsWaiting()
    {
        using var writer = Start(maxBackgroundWait: TimeSpan.FromMinutes(1));
        var release = await HoldAsync(writer);
        var background = Background(writer, Insert("work"));
        var ack = writer.WriteAsync(WritePriority.Ack, Insert("ack"));
        release();
        await Task.WhenAll(background, ack);

        Assert.Equal(["ack", "work"], _ran);
    }

    [Fact]
    public async Task OutboxWorkThatWaitedLongEnough_GoesBeforeNewerAcks()
    {
        using var writer = Start(maxBackgroundWait: TimeSpan.Zero);
        var release = await HoldAsync(writer);
        var background = Background(writer, Insert("work"));
        var ack = writer.WriteAsync(WritePriority.Ack, Insert("ack"));
        release();
        await Task.WhenAll(background, ack);

        Assert.Equal(["work", "ack"], _ran);
    }

    [Fact]
    public async Task UnderWritesWithoutAPause_TheWalStartsOver_InsteadOfGrowingWithoutEnd()
    {
        using var writer = Start(durable: false);
        var filler = new string('x', 1000);
        for (var i = 0; i < 20_000; i++)
        {
            await writer.WriteAsync(WritePriority.Ack, s => s.Execute("INSERT INTO t (name) VALUES ($n)", ("$n", $"{i:D6}{filler}")));
        }

        // The WAL header counts the times the file started over (its "checkpoint sequence number", bytes 12-15). A
        // checkpoint runs every 200 commits; without the writer's catch-up none of them let the file start over, and
        // the WAL grew to hundreds of MB here (how far it grows between two starts depends on the machine's speed).
        var wal = await File.ReadAllBytesAsync(DatabasePath + "-wal", TestContext.Current.CancellationToken);
        var startedOver = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(wal.AsSpan(12, 4));
        Assert.True(startedOver >= 3, $"The WAL started over {startedOver} times in 20,000 commits; it is {wal.Length / 1024 / 1024} MB.");
        Assert.Equal(20_000, Rows().Count);
    }

    [Fact]
    public async Task Stopping_CommitsWhatWasQueued_AndRefusesLaterWrites()
    {
        var writer = Start();
        var release = await HoldAsync(writer);
        var queued = writer.WriteAsync(WritePriority.Ack, Insert("queued"));
        release();
        writer.Dispose();

        Assert.Equal(1, await queued);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.WriteAsync(WritePriority.Ack, Insert("late")));
        Assert.Equal(["queued"], Rows());
        // The last checkpoint leaves an empty WAL behind (or none, once the last connection closed).
        var wal = new FileInfo(DatabasePath + "-wal");
        Assert.True(!wal.Exists || wal.Length == 0);
    }
}
