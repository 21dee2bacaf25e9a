using ChatTroubleshooter.Slack;
using ChatTroubleshooter.Audit;
using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Alerts;
using System.Text.Json;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Json;
using ChatTroubleshooter.Outbox;
using StackExchange.Redis;

namespace ChatTroubleshooter.Storage.Redis;

/// <summary>
/// State in Redis, shared by several bot instances: conversations compare-and-set on a version (Lua), dedupe
/// keys with SET NX PX, locales with expiry, feedback once per user and diagnosis, and the outbox as a sorted
/// set of due times (claiming moves an item to the end of its lease, so a dead worker's item comes back).
/// </summary>
internal sealed class RedisStore(StoredJson storedJson, IConnectionMultiplexer redis, TimeProvider time, TimeSpan conversationTtl, string prefix = "ct:", string? instanceId = null) : IStateProvider, IConversationStore, IUserPreferenceStore, IFeedbackStore, IDiagnosisLog, IDeletedNumbers, IAlertBursts, IAlertMutes, IAlertSubscriptions, IAuditStore, IWorkOutbox
{
    // One class for every concern still (split like SqliteStore is, next): each port is this provider itself.
    public IConversationStore Conversations => this;

    public IUserPreferenceStore Preferences => this;

    public IFeedbackStore Feedback => this;

    public IDiagnosisLog Diagnoses => this;

    public IDeletedNumbers DeletedNumbers => this;

    public IAlertBursts AlertBursts => this;

    public IAlertMutes AlertMutes => this;

    public IAlertSubscriptions AlertSubscriptions => this;

    public IAuditStore Audits => this;

    public IWorkOutbox Outbox => this;

#pragma warning disable IDE1006 // Reads like the constant it replaced.
    private readonly string Prefix = prefix;
#pragma warning restore IDE1006

    private const string SaveScript = """
        local current = redis.call('HGET', KEYS[1], 'version')
        if (current == false and ARGV[1] == '0') or current == ARGV[1] then
          redis.call('HSET', KEYS[1], 'version', tonumber(ARGV[1]) + 1, 'json', ARGV[2])
          redis.call('PEXPIRE', KEYS[1], ARGV[3])
          return 1
        end
        return 0
        """;

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

    // KEYS[1]: the number's hash (since, count); a run older than the window starts over.
    private const string BurstScript = """
        local since = tonumber(redis.call('HGET', KEYS[1], 'since'))
        if since == nil or since <= tonumber(ARGV[2]) then
          redis.call('DEL', KEYS[1])
          redis.call('HSET', KEYS[1], 'since', ARGV[1], 'count', 1)
        else
          redis.call('HINCRBY', KEYS[1], 'count', 1)
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return redis.call('HMGET', KEYS[1], 'since', 'count')
        """;

    private readonly string _instanceId = instanceId ?? InstanceId.Current;

    private readonly WorkSignal _signal = CreateSignal(redis, prefix + "outbox:wake");

    private string Due => Prefix + "outbox:due";

    private string Dead => Prefix + "outbox:dead";

    private string Owners => Prefix + "outbox:owner";

    private string Work => Prefix + "work:";

    private string Channel => Prefix + "outbox:wake";

    private IDatabase Db => redis.GetDatabase();

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static WorkSignal CreateSignal(IConnectionMultiplexer redis, string channel)
    {
        var signal = new WorkSignal();
        // Any instance's enqueue wakes every instance's workers.
        redis.GetSubscriber().Subscribe(RedisChannel.Literal(channel), (_, _) => signal.Notify());
        return signal;
    }

    /// <summary>
    /// What a crash of the Redis server can lose is the operator's choice (persistence); say it at start when it is
    /// everything acknowledged since the last snapshot. Managed Redis services often refuse CONFIG: then say that.
    /// </summary>
    /// <param name="configuration">The bot's connection string: CONFIG needs an admin connection, opened only for this and closed.</param>
    public static void WarnIfNotDurable(string configuration, ILogger logger)
    {
        try
        {
            var options = ConfigurationOptions.Parse(configuration);
            options.AllowAdmin = true;
            options.AbortOnConnectFail = false;
            using var redis = ConnectionMultiplexer.Connect(options);
            var server = redis.GetServers().FirstOrDefault(s => s.IsConnected && !s.IsReplica);
            var appendOnly = server?.ConfigGet("appendonly").FirstOrDefault().Value;
            if (appendOnly is "no")
            {
                logger.LogWarning("Redis runs without the append-only file (appendonly no): if the Redis server crashes, work the bot " +
                    "already acknowledged to Slack and Teams since the last snapshot is lost. Set appendonly yes (appendfsync everysec " +
                    "loses at most about a second; always loses nothing, at a cost in throughput).");
            }
            else if (appendOnly is null)
            {
                logger.LogInformation("Could not tell whether Redis persists acknowledged work (no writable server answered CONFIG GET appendonly).");
            }
        }
        catch (Exception e) when (e is RedisException or RedisCommandException or ArgumentException)
        {
            logger.LogInformation("Could not read Redis's persistence setting ({Error}); make sure appendonly is on (see README, State).", e.Message.Split('\n')[0]);
        }
    }

    public async Task<Conversation?> GetAsync(string key, CancellationToken ct)
    {
        var values = await Db.HashGetAsync(Prefix + "conv:" + key, ["version", "json"]);
        return values[0].HasValue && values[1].HasValue ? ConversationJson.Deserialize(values[1]!, (long)values[0]) : null;
    }

    public async Task<bool> TrySaveAsync(Conversation conversation, long expectedVersion, CancellationToken ct)
    {
        var saved = await Db.ScriptEvaluateAsync(SaveScript, [Prefix + "conv:" + conversation.Key],
            [expectedVersion, ConversationJson.Serialize(conversation), (long)conversationTtl.TotalMilliseconds]);
        return (int)saved == 1;
    }

    public async Task<(bool Found, string? Locale)> GetLocaleAsync(string user, CancellationToken ct)
    {
        // "-" stands for "the platform has no locale for this user" (cached too).
        var value = await Db.StringGetAsync(Prefix + "locale:" + user);
        return value.IsNull ? (false, null) : (true, value.ToString() is "-" ? null : value.ToString());
    }

    public Task SetLocaleAsync(string user, string? locale, TimeSpan ttl, CancellationToken ct) =>
        Db.StringSetAsync(Prefix + "locale:" + user, locale ?? "-", ttl);

    public async Task<bool> AddFeedbackAsync(FeedbackRecord feedback, CancellationToken ct)
    {
        if (!await Db.StringSetAsync($"{Prefix}feedback:{feedback.DiagnosisId}:{feedback.User}", "1", TimeSpan.FromDays(400), When.NotExists))
        {
            return false;
        }

        await Db.SortedSetAddAsync(Prefix + "feedback", JsonSerializer.Serialize(feedback, StorageJson.Default.FeedbackRecord), feedback.At.ToUnixTimeMilliseconds());
        return true;
    }

    public async Task<IReadOnlyList<FeedbackRecord>> FeedbackSinceAsync(DateTimeOffset since, CancellationToken ct)
    {
        var values = await Db.SortedSetRangeByScoreAsync(Prefix + "feedback", since.ToUnixTimeMilliseconds());
        return values.Select(v => JsonSerializer.Deserialize(v.ToString(), StorageJson.Default.FeedbackRecord)!).ToList();
    }

    public async Task AddDiagnosisAsync(DiagnosisRecord record, CancellationToken ct)
    {
        var transaction = Db.CreateTransaction();
        _ = transaction.StringSetAsync(Prefix + "diagnosis:" + record.DiagnosisId, JsonSerializer.Serialize(record, StorageJson.Default.DiagnosisRecord), TimeSpan.FromDays(400));
        _ = transaction.SortedSetAddAsync(Prefix + "diagnoses", record.DiagnosisId, record.At.ToUnixTimeMilliseconds());
        await transaction.ExecuteAsync();
    }

    public async Task<DiagnosisRecord?> GetDiagnosisAsync(string diagnosisId, CancellationToken ct)
    {
        var json = await Db.StringGetAsync(Prefix + "diagnosis:" + diagnosisId);
        return json.IsNull ? null : JsonSerializer.Deserialize(json.ToString(), StorageJson.Default.DiagnosisRecord);
    }

    public async Task<IReadOnlyList<DiagnosisRecord>> DiagnosesSinceAsync(DateTimeOffset since, CancellationToken ct)
    {
        var ids = await Db.SortedSetRangeByScoreAsync(Prefix + "diagnoses", since.ToUnixTimeMilliseconds());
        var values = ids.Length == 0 ? [] : await Db.StringGetAsync(ids.Select(id => (RedisKey)(Prefix + "diagnosis:" + id)).ToArray());
        return values.Where(v => !v.IsNull).Select(v => JsonSerializer.Deserialize(v.ToString(), StorageJson.Default.DiagnosisRecord)!).ToList();
    }

    public Task RememberAsync(long numberId, DateTimeOffset at, CancellationToken ct) =>
        Db.HashSetAsync(Prefix + "numbers:deleted", numberId, at.ToUnixTimeMilliseconds());

    public async Task<DateTimeOffset?> DeletedAtAsync(long numberId, CancellationToken ct) =>
        await Db.HashGetAsync(Prefix + "numbers:deleted", numberId) is { HasValue: true } value
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)value)
            : null;

    /// <summary>The key expires with the mute (Redis's clock); <see cref="MutedByAsync"/> reads it.</summary>
    public Task MuteAsync(long numberId, DateTimeOffset until, string by, CancellationToken ct) =>
        Db.StringSetAsync(Prefix + "mute:" + numberId, by, until - time.GetUtcNow() is { Ticks: > 0 } left ? left : TimeSpan.FromMilliseconds(1));

    public async Task<string?> MutedByAsync(long numberId, DateTimeOffset now, CancellationToken ct) =>
        await Db.StringGetAsync(Prefix + "mute:" + numberId) is { HasValue: true } by ? by.ToString() : null;

    public async Task<AlertBurst> AddAlertAsync(long numberId, DateTimeOffset now, TimeSpan window, CancellationToken ct)
    {
        var values = (RedisValue[])(await Db.ScriptEvaluateAsync(BurstScript, [Prefix + "burst:" + numberId],
            [now.ToUnixTimeMilliseconds(), (now - window).ToUnixTimeMilliseconds(), (long)(window * 2).TotalMilliseconds]))!;
        return new AlertBurst(DateTimeOffset.FromUnixTimeMilliseconds((long)values[0]), (int)values[1]);
    }

    /// <summary>One hash per run (<c>burst:{number}:{since}</c>, place → message id), expiring with the run.</summary>
    private RedisKey Summaries(long numberId, DateTimeOffset since) =>
        Prefix + "burst:" + numberId + ":" + since.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async Task SetSummaryAsync(long numberId, DateTimeOffset since, string place, string messageId, CancellationToken ct)
    {
        var key = Summaries(numberId, since);
        var transaction = Db.CreateTransaction();
        _ = transaction.HashSetAsync(key, place, messageId);
        _ = transaction.KeyExpireAsync(key, TimeSpan.FromDays(1));
        await transaction.ExecuteAsync();
    }

    public async Task<string?> SummaryAsync(long numberId, DateTimeOffset since, string place, CancellationToken ct) =>
        await Db.HashGetAsync(Summaries(numberId, since), place) is { HasValue: true } id ? id.ToString() : null;

    private RedisKey Subscriptions => Prefix + "alerts:subscriptions";

    public Task SubscribeAsync(AlertSubscription subscription, CancellationToken ct) =>
        Db.HashSetAsync(Subscriptions, subscription.Place, storedJson.Serialize(subscription));

    public Task<bool> UnsubscribeAsync(string place, CancellationToken ct) => Db.HashDeleteAsync(Subscriptions, place);

    public async Task<IReadOnlyList<AlertSubscription>> SubscriptionsAsync(CancellationToken ct) =>
        (await Db.HashGetAllAsync(Subscriptions)).Select(e => storedJson.TryDeserialize<AlertSubscription>(e.Value.ToString())).OfType<AlertSubscription>()
            .OrderBy(s => s.Place, StringComparer.Ordinal).ToList();

    private RedisKey AuditKey(string auditId) => Prefix + "audit:" + auditId;

    private RedisKey AuditSlot => Prefix + "audit:running";

    public async Task RegisterAsync(string auditId, string place, CancellationToken ct)
    {
        await Db.HashSetAsync(AuditKey(auditId), "place", place, When.NotExists);
        await Db.KeyExpireAsync(AuditKey(auditId), TimeSpan.FromDays(7));
    }

    // KEYS[1]: the audit's hash; ARGV[1]: the place the cancel came from.
    private const string CancelScript = """
        if redis.call('HGET', KEYS[1], 'place') == ARGV[1] then
          redis.call('HSET', KEYS[1], 'cancelled', 1)
          return 1
        end
        return 0
        """;

    public async Task<bool> CancelAsync(string auditId, string place, CancellationToken ct) =>
        (int)await Db.ScriptEvaluateAsync(CancelScript, [AuditKey(auditId)], [place]) == 1;

    public async Task<bool> IsCancelledAsync(string auditId, CancellationToken ct) =>
        await Db.HashGetAsync(AuditKey(auditId), "cancelled") == 1;

    // KEYS[1]: the slot; ARGV[1]: the audit, ARGV[2]: how long it holds it (ms). Redis's clock expires it.
    private const string RunScript = """
        local holder = redis.call('GET', KEYS[1])
        if holder == false or holder == ARGV[1] then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          return 1
        end
        return 0
        """;

    public async Task<bool> TryRunAsync(string auditId, DateTimeOffset now, DateTimeOffset until, CancellationToken ct) =>
        (int)await Db.ScriptEvaluateAsync(RunScript, [AuditSlot], [auditId, Math.Max(1, (long)(until - now).TotalMilliseconds)]) == 1;

    public async Task EndRunAsync(string auditId, CancellationToken ct)
    {
        var transaction = Db.CreateTransaction();
        transaction.AddCondition(Condition.StringEqual(AuditSlot, auditId));
        _ = transaction.KeyDeleteAsync(AuditSlot);
        await transaction.ExecuteAsync();
    }

    public Task SetMessageAsync(string auditId, string messageId, CancellationToken ct) =>
        Db.HashSetAsync(AuditKey(auditId), "message", messageId);

    public async Task<string?> MessageAsync(string auditId, CancellationToken ct) =>
        await Db.HashGetAsync(AuditKey(auditId), "message") is { HasValue: true } id ? id.ToString() : null;

    private RedisKey AuditRows(string auditId) => Prefix + "audit:" + auditId + ":rows";

    public async Task SaveRowsAsync(string auditId, string page, string rowsJson, CancellationToken ct)
    {
        await Db.HashSetAsync(AuditRows(auditId), page, rowsJson);
        await Db.KeyExpireAsync(AuditRows(auditId), TimeSpan.FromDays(7));
    }

    public async Task<IReadOnlyList<string>> RowsAsync(string auditId, CancellationToken ct) =>
        (await Db.HashGetAllAsync(AuditRows(auditId))).OrderBy(e => e.Name.ToString(), StringComparer.Ordinal).Select(e => e.Value.ToString()).ToList();

    public Task SaveFileAsync(string key, byte[] content, DateTimeOffset expires, CancellationToken ct) =>
        Db.StringSetAsync(Prefix + "report:" + key, content, expires - time.GetUtcNow() is { Ticks: > 0 } left ? left : TimeSpan.FromMilliseconds(1));

    public async Task<byte[]?> FileAsync(string key, DateTimeOffset now, CancellationToken ct) =>
        await Db.StringGetAsync(Prefix + "report:" + key) is { HasValue: true } content ? (byte[]?)content : null;

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
        Db.StringSetAsync(Prefix + "ready-probe", time.GetUtcNow().ToUnixTimeMilliseconds(), TimeSpan.FromMinutes(1));

    public Task WaitForWorkAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);

    /// <summary>Wakes every instance's workers for an item due now (a later one is found by their poll).</summary>
    private async Task WakeForAsync(WorkItem item)
    {
        if (item.IsDueBy(time.GetUtcNow()))
        {
            await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(Channel), "1");
        }
    }
}
