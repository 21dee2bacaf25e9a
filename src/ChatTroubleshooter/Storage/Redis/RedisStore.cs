using ChatTroubleshooter.Json;
using StackExchange.Redis;

namespace ChatTroubleshooter.Storage.Redis;

/// <summary>What every concern of the Redis provider shares: the connection, the key prefix, the clock.</summary>
internal sealed class RedisDatabase(IConnectionMultiplexer redis, TimeProvider time, string prefix)
{
    public IDatabase Db => redis.GetDatabase();

    /// <summary>Prefix of every key, so several bots (or test runs) can share one Redis.</summary>
    public string Prefix => prefix;

    public TimeProvider Time => time;

    public long Now => time.GetUtcNow().ToUnixTimeMilliseconds();
}

/// <summary>
/// State in Redis, shared by several bot instances: a class per concern over one connection (<see cref="RedisDatabase"/>).
/// </summary>
internal static class RedisStore
{
    public static StateStore Open(StoredJson storedJson, IConnectionMultiplexer redis, TimeProvider time, TimeSpan conversationTtl, string prefix = "ct:", string? instanceId = null)
    {
        var db = new RedisDatabase(redis, time, prefix);
        var conversations = new RedisConversations(db, conversationTtl);
        var records = new RedisRecords(db);
        var alerts = new RedisAlerts(db, storedJson);
        return new StateStore(conversations, conversations, records, records, alerts, alerts, alerts, alerts, new RedisAudits(db),
            new RedisOutbox(db, redis, storedJson, prefix, instanceId));
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
}
