using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace ChatTroubleshooter.Http;

internal static class HttpRetries
{
    /// <summary>
    /// Three retries of the responses whose status <paramref name="retry"/> picks, with exponential backoff and jitter
    /// from <paramref name="baseDelay"/>; a <c>Retry-After</c> in seconds replaces the backoff, capped at
    /// <paramref name="maxDelay"/> (Slack's and the Bot Connector's rate limits both send one).
    /// </summary>
    public static HttpRetryStrategyOptions HonouringRetryAfter(Func<HttpStatusCode, bool> retry, TimeSpan baseDelay, TimeSpan maxDelay) => new()
    {
        MaxRetryAttempts = 3,
        Delay = baseDelay,
        MaxDelay = maxDelay,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } response && retry(response.StatusCode)),
        DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.Headers.RetryAfter?.Delta is { } delta
            ? (TimeSpan?)TimeSpan.FromSeconds(Math.Min(delta.TotalSeconds, maxDelay.TotalSeconds))
            : null),
    };
}
