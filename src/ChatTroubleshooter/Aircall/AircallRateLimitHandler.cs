using System.Threading.RateLimiting;

namespace ChatTroubleshooter.Aircall;

/// <summary>
/// Keeps this process under Aircall's per-company limit: each request (retries included) waits for a permit
/// from one process-wide limiter refilled at <c>RequestsPerMinute</c>.
/// </summary>
internal sealed class AircallRateLimiter(RateLimiter limiter) : IAsyncDisposable
{
    public RateLimiter Limiter { get; } = limiter;

    public static AircallRateLimiter Create(int requestsPerMinute) => new(new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
    {
        TokenLimit = Math.Max(1, requestsPerMinute / 6),
        TokensPerPeriod = Math.Max(1, requestsPerMinute / 6),
        ReplenishmentPeriod = TimeSpan.FromSeconds(10),
        QueueLimit = 1_000,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    }));

    public ValueTask DisposeAsync() => Limiter.DisposeAsync();
}

internal sealed class AircallRateLimitHandler(AircallRateLimiter limiter) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var lease = await limiter.Limiter.AcquireAsync(1, cancellationToken);
        if (!lease.IsAcquired)
        {
            throw new HttpRequestException("Aircall request queue is full (local rate limit).");
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
