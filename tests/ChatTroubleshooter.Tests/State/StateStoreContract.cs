using System.Text.Json.Nodes;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Conversations.State;
using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Tests.Fakes;

namespace ChatTroubleshooter.Tests.State;

/// <summary>What every state store must do; run against Memory, SQLite and a real Redis server.</summary>
public abstract class StateStoreContract
{
    /// <summary>A store; two calls with the same <paramref name="shared"/> see the same data (two instances, one backend).</summary>
    private protected abstract IStateStore Create(string shared);

    private readonly string _shared = Guid.NewGuid().ToString("N");

    private IStateStore Store() => Create(_shared);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Conversation Sample(string key) => new(
        key, "conv-1", "es",
        FactSet.From(
        [
            new Fact("answered", FactValue.Yes, FactSource.Api, Evidence.Of("evidence.api.answered", ("callId", "1"), ("answeredAt", "2026-01-01 00:00:00 UTC"))),
            new Fact("talk-seconds", FactValue.Between(null, 4), FactSource.Answer, Evidence.Of("evidence.answer", ("question", "¿Q?"), ("answer", "Menos \"de\" 5"))),
            new Fact("direction", FactValue.Of("inbound"), FactSource.Text, Evidence.Of("evidence.text", ("quote", "llamada entrante"))),
        ]),
        new HashSet<string> { "answered", "voicemail" },
        DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_123))
    {
        PendingFactId = "paused",
        QuestionsAsked = 2,
        CallId = "1000004",
        LastTurnId = "work-7",
        LastTurnResult = """{"Reply":{"$kind":"message","Language":"es","Kind":0,"Text":"hola"}}""",
    };

    [Fact]
    public async Task Conversation_RoundTrips_WithFactsSourcesAndEvidence()
    {
        var store = Store();
        var key = $"k:{Guid.NewGuid():N}";

        Assert.True(await store.TrySaveAsync(Sample(key), 0, Ct));
        var loaded = await store.GetAsync(key, Ct);

        Assert.NotNull(loaded);
        Assert.Equal(1, loaded.Version);
        Assert.Equal("es", loaded.Language);
        Assert.Equal("paused", loaded.PendingFactId);
        Assert.Equal(2, loaded.QuestionsAsked);
        Assert.Equal("1000004", loaded.CallId);
        Assert.Null(loaded.DiagnosisId);
        Assert.Equal("work-7", loaded.LastTurnId);
        Assert.Equal(Sample(key).LastTurnResult, loaded.LastTurnResult);
        Assert.Equal(["answered", "voicemail"], loaded.Settled.Order());
        Assert.Equal(Sample(key).UpdatedAt, loaded.UpdatedAt);
        Assert.Equal("..4", loaded.Facts["talk-seconds"]!.Value.ToWire());
        Assert.Equal(FactSource.Answer, loaded.Facts["talk-seconds"]!.Source);
        Assert.Equal("Menos \"de\" 5", loaded.Facts["talk-seconds"]!.Evidence.Args["answer"]);
        Assert.Equal("inbound", loaded.Facts["direction"]!.Value.ToWire());
        Assert.Null(await store.GetAsync("missing:" + key, Ct));
    }

    [Fact]
    public async Task Conversation_OptimisticConcurrency_LetsOnlyOneWriterWin()
    {
        var a = Store();
        var b = Create(_shared);
        var key = $"k:{Guid.NewGuid():N}";

        Assert.True(await a.TrySaveAsync(Sample(key), 0, Ct));
        Assert.False(await b.TrySaveAsync(Sample(key), 0, Ct));

        // Both read version 1; only the first update wins, the second must re-read.
        Assert.True(await a.TrySaveAsync(Sample(key) with { QuestionsAsked = 3 }, 1, Ct));
        Assert.False(await b.TrySaveAsync(Sample(key) with { QuestionsAsked = 9 }, 1, Ct));
        var current = await b.GetAsync(key, Ct);
        Assert.Equal(2, current!.Version);
        Assert.Equal(3, current.QuestionsAsked);

        await a.DeleteAsync(key, Ct);
        Assert.Null(await b.GetAsync(key, Ct));
    }

    [Fact]
    public async Task Dedupe_FirstDeliveryOnly_UntilTheKeyExpires()
    {
        var a = Store();
        var b = Create(_shared);
        var key = $"event:{Guid.NewGuid():N}";

        Assert.True(await a.TryFirstAsync(key, TimeSpan.FromMilliseconds(400), Ct));
        Assert.False(await a.TryFirstAsync(key, TimeSpan.FromMilliseconds(400), Ct));
        Assert.False(await b.TryFirstAsync(key, TimeSpan.FromMilliseconds(400), Ct));

        await Task.Delay(700, Ct);
        Assert.True(await b.TryFirstAsync(key, TimeSpan.FromMinutes(1), Ct));
    }

    [Fact]
    public async Task Dedupe_ConcurrentDeliveries_OnlyOneIsFirst()
    {
        var key = $"event:{Guid.NewGuid():N}";
        var stores = new[] { Store(), Create(_shared) };

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => stores[i % 2].TryFirstAsync(key, TimeSpan.FromMinutes(1), Ct), Ct)));

        Assert.Single(results, r => r);
    }

    [Fact]
    public async Task Locale_IsCachedWithExpiry()
    {
        var store = Store();
        var user = $"U{Guid.NewGuid():N}";

        Assert.False((await store.GetLocaleAsync(user, Ct)).Found);
        await store.SetLocaleAsync(user, "fr-FR", TimeSpan.FromMinutes(5), Ct);
        Assert.Equal((true, "fr-FR"), await Create(_shared).GetLocaleAsync(user, Ct));
        await store.SetLocaleAsync(user, null, TimeSpan.FromMinutes(5), Ct);
        Assert.Equal((true, (string?)null), await store.GetLocaleAsync(user, Ct));
    }

    [Fact]
    public async Task Feedback_IsStoredOncePerUserAndDiagnosis()
    {
        var store = Store();
        var diagnosis = Guid.NewGuid().ToString("N");
        var at = DateTimeOffset.UtcNow;
        var record = new FeedbackRecord(diagnosis, "U1", ["too-short"], true, "slack", "en", at);

        Assert.True(await store.AddFeedbackAsync(record, Ct));
        Assert.False(await store.AddFeedbackAsync(record with { Helpful = false }, Ct));
        Assert.True(await store.AddFeedbackAsync(record with { User = "U2", Helpful = false }, Ct));

        var mine = (await store.FeedbackSinceAsync(at.AddSeconds(-1), Ct)).Where(f => f.DiagnosisId == diagnosis).ToList();
        Assert.Equal(2, mine.Count);
        Assert.Equal(["too-short"], mine[0].CauseIds);
        Assert.True(mine.Single(f => f.User == "U1").Helpful);
    }

    [Fact]
    public async Task Outbox_ClaimLeaseCompleteRetryAndDeadLetter()
    {
        var a = Store();
        var b = Create(_shared);
        var item = new WorkItem($"w:{Guid.NewGuid():N}", "slack", "command", new JsonObject { ["text"] = "1000004" });

        await a.EnqueueAsync(item, Ct);
        await a.EnqueueAsync(item, Ct); // the same id twice is one piece of work
        var claimed = Assert.Single(await b.ClaimAsync(10, TimeSpan.FromMilliseconds(500), Ct), w => w.Id == item.Id);
        Assert.Equal("1000004", (string?)claimed.Payload["text"]);
        Assert.DoesNotContain(await a.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct), w => w.Id == item.Id);

        // Progress saved by the worker survives; when its lease ends (the worker died) the item comes back.
        claimed.Payload["deliveries"] = new JsonArray(new JsonObject { ["type"] = "post", ["sent"] = true });
        await b.SaveProgressAsync(claimed, Ct);
        await Task.Delay(800, Ct);
        var again = Assert.Single(await a.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct), w => w.Id == item.Id);
        Assert.True((bool?)again.Payload["deliveries"]![0]!["sent"]);

        await a.RetryAsync(again with { Attempt = 1 }, DateTimeOffset.UtcNow.AddMilliseconds(400), "boom", Ct);
        Assert.DoesNotContain(await b.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct), w => w.Id == item.Id);
        await Task.Delay(700, Ct);
        var retried = Assert.Single(await b.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct), w => w.Id == item.Id);
        Assert.Equal(1, retried.Attempt);

        await b.DeadLetterAsync(retried, "gave up", Ct);
        Assert.Contains(await a.DeadLettersAsync(Ct), w => w.Id == item.Id);
        await Task.Delay(100, Ct);
        Assert.DoesNotContain(await a.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct), w => w.Id == item.Id);

        var done = new WorkItem($"w:{Guid.NewGuid():N}", "teams", "message", []);
        await a.EnqueueAsync(done, Ct);
        var doneClaimed = Assert.Single(await b.ClaimAsync(10, TimeSpan.FromMilliseconds(300), Ct), w => w.Id == done.Id);
        await b.CompleteAsync(doneClaimed, Ct);
        await Task.Delay(500, Ct);
        Assert.DoesNotContain(await a.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct), w => w.Id == done.Id);
    }

    [Fact]
    public async Task Outbox_ConcurrentClaims_GiveEachItemToOneWorker()
    {
        var stores = new[] { Store(), Create(_shared) };
        var ids = Enumerable.Range(0, 30).Select(i => $"w:{Guid.NewGuid():N}").ToHashSet();
        foreach (var id in ids)
        {
            await stores[0].EnqueueAsync(new WorkItem(id, "slack", "command", []), Ct);
        }

        var claims = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => stores[i % 2].ClaimAsync(5, TimeSpan.FromMinutes(1), Ct), Ct)));

        var mine = claims.SelectMany(c => c).Where(w => ids.Contains(w.Id)).Select(w => w.Id).ToList();
        Assert.Equal(mine.Count, mine.Distinct().Count());
    }

    [Fact]
    public async Task Outbox_DelayedItem_IsNotClaimedBeforeItsTime()
    {
        var store = Store();
        var item = new WorkItem($"w:{Guid.NewGuid():N}", "slack", "recheck", []) { NotBefore = DateTimeOffset.UtcNow.AddMilliseconds(500) };

        await store.EnqueueAsync(item, Ct);

        Assert.DoesNotContain(await store.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct), w => w.Id == item.Id);
        await Task.Delay(800, Ct);
        Assert.Contains(await store.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct), w => w.Id == item.Id);
    }
}

public sealed class MemoryStateStoreTests : StateStoreContract
{
    private readonly Dictionary<string, IStateStore> _stores = [];

    // One process, one memory: "two instances" share the same object.
    private protected override IStateStore Create(string shared) =>
        _stores.TryGetValue(shared, out var store) ? store : _stores[shared] = new MemoryStateStore(TimeProvider.System);
}

public sealed class SqliteStateStoreTests : StateStoreContract, IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("state-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private protected override IStateStore Create(string shared) =>
        new SqliteStateStore(Path.Combine(_directory.FullName, shared + ".db"), TimeProvider.System);

    [Fact]
    public async Task ExpiredRows_ArePurged()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new SqliteStateStore(Path.Combine(_directory.FullName, "purge.db"), time, TimeSpan.FromHours(25));
        var conversation = new Conversation("old", "id", "en", Diagnostics.Facts.FactSet.Empty, new HashSet<string>(), time.GetUtcNow());
        Assert.True(await store.TrySaveAsync(conversation, 0, TestContext.Current.CancellationToken));
        Assert.True(await store.TryFirstAsync("event", TimeSpan.FromHours(1), TestContext.Current.CancellationToken));

        time.Advance(TimeSpan.FromHours(26));
        await store.ClaimAsync(1, TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        Assert.Null(await store.GetAsync("old", TestContext.Current.CancellationToken));
        Assert.True(await store.TryFirstAsync("event", TimeSpan.FromHours(1), TestContext.Current.CancellationToken));
    }

    [Fact]
    public void NewStore_UsesWalMode()
    {
        var path = Path.Combine(_directory.FullName, "wal.db");
        _ = new SqliteStateStore(path, TimeProvider.System);

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)command.ExecuteScalar());
    }
}

public sealed class RedisStateStoreTests : StateStoreContract
{
    private readonly Dictionary<string, string> _prefixes = [];

    private protected override IStateStore Create(string shared)
    {
        var prefix = _prefixes.TryGetValue(shared, out var p) ? p : _prefixes[shared] = TestRedis.NewPrefix();
        return new RedisStateStore(TestRedis.Connect(), TimeProvider.System, TimeSpan.FromHours(1), prefix);
    }
}
