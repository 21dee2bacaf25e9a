using ChatTroubleshooter.Slack;
using ChatTroubleshooter.Audit;
using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Alerts;
using System.Text.Json;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Json;
using StackExchange.Redis;

namespace ChatTroubleshooter.Storage.Redis;

/// <summary>Conversations compare-and-set on a version (Lua), users' locales with expiry.</summary>
internal sealed class RedisConversations(RedisDatabase db, TimeSpan conversationTtl) : IConversationStore, IUserPreferenceStore
{
    private IDatabase Db => db.Db;

    private string Prefix => db.Prefix;


    private const string SaveScript = """
        local current = redis.call('HGET', KEYS[1], 'version')
        if (current == false and ARGV[1] == '0') or current == ARGV[1] then
          redis.call('HSET', KEYS[1], 'version', tonumber(ARGV[1]) + 1, 'json', ARGV[2])
          redis.call('PEXPIRE', KEYS[1], ARGV[3])
          return 1
        end
        return 0
        """;

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
}

/// <summary>The diagnoses given, and the feedback on them once per user and diagnosis.</summary>
internal sealed class RedisRecords(RedisDatabase db) : IFeedbackStore, IDiagnosisLog
{
    private IDatabase Db => db.Db;

    private string Prefix => db.Prefix;

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
}

/// <summary>What alerts keep: deleted numbers, mutes, bursts (Lua) and their summaries, subscriptions.</summary>
internal sealed class RedisAlerts(RedisDatabase db, StoredJson storedJson) : IDeletedNumbers, IAlertMutes, IAlertBursts, IAlertSubscriptions
{
    private IDatabase Db => db.Db;

    private string Prefix => db.Prefix;

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

    public Task RememberAsync(long numberId, DateTimeOffset at, CancellationToken ct) =>
        Db.HashSetAsync(Prefix + "numbers:deleted", numberId, at.ToUnixTimeMilliseconds());

    public async Task<DateTimeOffset?> DeletedAtAsync(long numberId, CancellationToken ct) =>
        await Db.HashGetAsync(Prefix + "numbers:deleted", numberId) is { HasValue: true } value
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)value)
            : null;

    /// <summary>The key expires with the mute (Redis's clock); <see cref="MutedByAsync"/> reads it.</summary>
    public Task MuteAsync(long numberId, DateTimeOffset until, string by, CancellationToken ct) =>
        Db.StringSetAsync(Prefix + "mute:" + numberId, by, until - db.Time.GetUtcNow() is { Ticks: > 0 } left ? left : TimeSpan.FromMilliseconds(1));

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
}

/// <summary>What audits keep: the one audit running, cancels (Lua), their message, rows and report files.</summary>
internal sealed class RedisAudits(RedisDatabase db) : IAuditStore
{
    private IDatabase Db => db.Db;

    private string Prefix => db.Prefix;

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
        Db.StringSetAsync(Prefix + "report:" + key, content, expires - db.Time.GetUtcNow() is { Ticks: > 0 } left ? left : TimeSpan.FromMilliseconds(1));

    public async Task<byte[]?> FileAsync(string key, DateTimeOffset now, CancellationToken ct) =>
        await Db.StringGetAsync(Prefix + "report:" + key) is { HasValue: true } content ? (byte[]?)content : null;
}
