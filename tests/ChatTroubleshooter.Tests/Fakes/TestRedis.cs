using StackExchange.Redis;

namespace ChatTroubleshooter.Tests.Fakes;

/// <summary>
/// The Redis server README's test script starts (CT_TEST_REDIS, default 127.0.0.1:6390). Outside CI a missing
/// server skips the Redis tests with the reason; in CI (CI=true) it fails them.
/// </summary>
internal static class TestRedis
{
    private static readonly Lazy<(ConnectionMultiplexer? Connection, string? Error)> Shared = new(() =>
    {
        try
        {
            return (ConnectionMultiplexer.Connect($"{Address},abortConnect=true,connectTimeout=2000"), null);
        }
        catch (RedisConnectionException e)
        {
            return (null, e.Message);
        }
    });

    public static string Address => Environment.GetEnvironmentVariable("CT_TEST_REDIS") is { Length: > 0 } a ? a : "127.0.0.1:6390";

    public static ConnectionMultiplexer Connect()
    {
        var (connection, error) = Shared.Value;
        if (connection is not null)
        {
            return connection;
        }

        var reason = $"No Redis at {Address} ({error}). ./test.sh starts one (apt package redis-server).";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail("In CI the Redis tests must run: " + reason);
        }

        Assert.Skip(reason);
        return null!;
    }

    /// <summary>A key prefix of its own, so tests running at once never see each other's keys.</summary>
    public static string NewPrefix() => $"test:{Guid.NewGuid():N}:";
}
