using System.Text.Json;
using ChatTroubleshooter.Json;
using ChatTroubleshooter.Outbox;
using StackExchange.Redis;

namespace ChatTroubleshooter.Storage.Redis;

/// <summary>
/// The outbox as a sorted set of due times: claiming moves an item to the end of its lease (a dead worker's item comes
/// back); dedupe keys with SET NX PX; every instance's workers woken through a channel.
/// </summary>
internal sealed class RedisOutbox(RedisDatabase db, IConnectionMultiplexer redis, StoredJson storedJson, string prefix, string? instanceId) : IWorkOutbox
{
    private IDatabase Db => db.Db;

    private string Prefix => db.Prefix;

    private long Now => db.Now;

    // A claimed item records its holder (KEYS[2]: id → instance); only the holder's heartbeat renews its lease. Each item
    // comes with its previous holder ('' for none): one whose lease ran out stopped while working on it (a take-over).
    private const string ClaimScript = """
        local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
        local result = {}
        for i, id in ipairs(ids) do
          local previous = redis.call('HGET', KEYS[2], id)
          redis.call('ZADD', KEYS[1], ARGV[3], id)
          redis.call('HSET', KEYS[2], id, ARGV[5])
          local json = redis.call('GET', ARGV[4] .. id)
          if json then
            table.insert(result, json)
            table.insert(result, previous or '')
          else
            redis.call('ZREM', KEYS[1], id)
          end
        end
        return result
        """;

    // The outbox writes come first and the key last: a write that fails (a wrong type, out of memory) fails before
    // anything is stored, so no key is ever left without its work.
    private const string EnqueueOnceScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[4])
        redis.call('SET', KEYS[3], ARGV[2], 'NX')
        redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
        return 1
        """;

    private const string RenewScript = """
        local renewed = 0
        for i = 3, #ARGV do
          if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[2] then
            redis.call('ZADD', KEYS[1], 'XX', ARGV[1], ARGV[i])
            renewed = renewed + 1
          end
        end
        return renewed
        """;

    private readonly string _instanceId = instanceId ?? InstanceId.Current;

    private readonly WorkSignal _signal = CreateSignal(redis, prefix + "outbox:wake");

    private string Due => Prefix + "outbox:due";

    private string Dead => Prefix + "outbox:dead";

    private string Owners => Prefix + "outbox:owner";

    private string Work => Prefix + "work:";

    private string Channel => Prefix + "outbox:wake";

    private static WorkSignal CreateSignal(IConnectionMultiplexer redis, string channel)
    {
        var signal = new WorkSignal();
        // Any instance's enqueue wakes every instance's workers.
        redis.GetSubscriber().Subscribe(RedisChannel.Literal(channel), (_, _) => signal.Notify());
        return signal;
    }

    public async ValueTask EnqueueAsync(WorkItem item, CancellationToken ct)
    {
        var transaction = Db.CreateTransaction();
        _ = transaction.StringSetAsync(Work + item.Id, storedJson.Serialize(item), when: When.NotExists);
        _ = transaction.SortedSetAddAsync(Due, item.Id, item.NotBefore?.ToUnixTimeMilliseconds() ?? Now, SortedSetWhen.NotExists);
        await transaction.ExecuteAsync();
        await WakeForAsync(item);
    }

    public async ValueTask<bool> EnqueueOnceAsync(WorkItem item, string dedupeKey, TimeSpan window, CancellationToken ct)
    {
        var first = (int)await Db.ScriptEvaluateAsync(EnqueueOnceScript, [Prefix + "seen:" + dedupeKey, Due, Work + item.Id],
            [(long)window.TotalMilliseconds, storedJson.Serialize(item), item.NotBefore?.ToUnixTimeMilliseconds() ?? Now, item.Id]) == 1;
        if (first)
        {
            await WakeForAsync(item);
        }

        return first;
    }

    public async Task<IReadOnlyList<WorkItem>> ClaimAsync(int max, TimeSpan lease, CancellationToken ct)
    {
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(ClaimScript, [Due, Owners], [Now, max, Now + (long)lease.TotalMilliseconds, Work, _instanceId]))!;
        var items = new List<WorkItem>(result.Length / 2);
        for (var i = 0; i + 1 < result.Length; i += 2)
        {
            var json = result[i].ToString();
            var previous = result[i + 1].ToString();
            if (storedJson.TryDeserialize<WorkItem>(json) is { } item)
            {
                items.Add(item with { TakenOverFrom = previous.Length > 0 && previous != _instanceId ? previous : null });
            }
            else if (IdOf(json) is { } id)
            {
                // Stored by an older version (or damaged): kept as a dead letter for a person to look at, never retried.
                await DeadLetterAsync(id, json);
            }
        }

        return items;
    }

    public Task RenewAsync(IReadOnlyCollection<string> ids, TimeSpan lease, CancellationToken ct) =>
        Db.ScriptEvaluateAsync(RenewScript, [Due, Owners], [Now + (long)lease.TotalMilliseconds, _instanceId, .. ids.Select(id => (RedisValue)id)]);

    public Task SaveProgressAsync(WorkItem item, CancellationToken ct) =>
        Db.StringSetAsync(Work + item.Id, storedJson.Serialize(item), when: When.Exists);

    public async Task CompleteAsync(WorkItem item, CancellationToken ct)
    {
        var transaction = Db.CreateTransaction();
        _ = transaction.SortedSetRemoveAsync(Due, item.Id);
        _ = transaction.KeyDeleteAsync(Work + item.Id);
        _ = transaction.HashDeleteAsync(Owners, item.Id);
        await transaction.ExecuteAsync();
    }

    public async Task RetryAsync(WorkItem item, DateTimeOffset notBefore, string error, CancellationToken ct)
    {
        var transaction = Db.CreateTransaction();
        _ = transaction.StringSetAsync(Work + item.Id, storedJson.Serialize(item));
        _ = transaction.SortedSetAddAsync(Due, item.Id, notBefore.ToUnixTimeMilliseconds());
        _ = transaction.HashDeleteAsync(Owners, item.Id);
        await transaction.ExecuteAsync();
    }

    private static string? IdOf(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("id", out var id)
                && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public Task DeadLetterAsync(WorkItem item, string error, CancellationToken ct) => DeadLetterAsync(item.Id, storedJson.Serialize(item));

    private async Task DeadLetterAsync(string id, string json)
    {
        var transaction = Db.CreateTransaction();
        _ = transaction.SortedSetRemoveAsync(Due, id);
        _ = transaction.KeyDeleteAsync(Work + id);
        _ = transaction.ListLeftPushAsync(Dead, json);
        _ = transaction.HashDeleteAsync(Owners, id);
        await transaction.ExecuteAsync();
    }

    public async Task<int> CountPendingAsync(CancellationToken ct) => (int)await Db.SortedSetLengthAsync(Due);

    public Task ProbeWriteAsync(CancellationToken ct) =>
        Db.StringSetAsync(Prefix + "ready-probe", db.Time.GetUtcNow().ToUnixTimeMilliseconds(), TimeSpan.FromMinutes(1));

    public Task<bool> WaitForWorkAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);

    /// <summary>Wakes every instance's workers for an item due now (a later one is found by their poll).</summary>
    private async Task WakeForAsync(WorkItem item)
    {
        if (item.IsDueBy(db.Time.GetUtcNow()))
        {
            await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(Channel), "1");
        }
    }
}
