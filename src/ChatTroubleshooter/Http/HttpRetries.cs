using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace ChatTroubleshooter.Http;

internal static class HttpRetries
{
    /// <summary>
    /// Three retries of the responses whose status <paramref name="retry"/> picks, with exponential backoff and jitter
    /// from <paramref name="baseDelay"/>, at most <paramref name="maxDelay"/>. A <c>Retry-After</c> (Slack's and the Bot
    /// Connector's rate limits both send one) replaces the backoff: the resilience handler reads it
    /// (<see cref="HttpRetryStrategyOptions.ShouldRetryAfterHeader"/>), and it is capped at <paramref name="maxDelay"/> too.
    /// </summary>
    public static HttpRetryStrategyOptions HonouringRetryAfter(Func<HttpStatusCode, bool> retry, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        var options = new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = 3,
            Delay = baseDelay,
            MaxDelay = maxDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldRetryAfterHeader = true,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } response && retry(response.StatusCode)),
        };

        // MaxDelay caps the backoff only: the header's wait (seconds or a date, read by the handler) is capped here, so a
        // worker never sleeps for an hour on one send.
        var fromHeader = options.DelayGenerator!;
        options.DelayGenerator = async args => await fromHeader(args) is { } wait ? wait > maxDelay ? maxDelay : wait : null;
        return options;
    }
}
