using System.Net;
using ChatTroubleshooter.Http;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace ChatTroubleshooter.Tests.Http;

/// <summary>
/// Slack's and the Bot Connector's rate limits answer 429 with <c>Retry-After</c>: the resilience handler honours it
/// (no hand-written parsing), within the channel's longest wait, and retries only what the channel's rule picks.
/// </summary>
public sealed class HttpRetriesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3600, 30)]
    public async Task ARetryAfter_ReplacesTheBackoff_UpToTheLongestWait(int retryAfterSeconds, int expectedSeconds)
    {
        var time = new FakeTimeProvider();
        var delays = new List<TimeSpan>();
        var options = HttpRetries.HonouringRetryAfter(s => s == HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        options.OnRetry = args =>
        {
            delays.Add(args.RetryDelay);
            return default;
        };
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }.AddRetry(options).Build();
        var calls = 0;

        var sending = pipeline.ExecuteAsync(_ => ValueTask.FromResult(++calls == 1
            ? new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new(TimeSpan.FromSeconds(retryAfterSeconds)) } }
            : new HttpResponseMessage(HttpStatusCode.OK)), Ct).AsTask();
        while (delays.Count == 0)
        {
            await Task.Yield();
        }

        time.Advance(TimeSpan.FromSeconds(expectedSeconds));
        using var response = await sending.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal([TimeSpan.FromSeconds(expectedSeconds)], delays);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task AStatusTheRuleDoesNotPick_IsNotRetried()
    {
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(HttpRetries.HonouringRetryAfter(s => s == HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30))).Build();
        var calls = 0;

        using var response = await pipeline.ExecuteAsync(_ => ValueTask.FromResult(new HttpResponseMessage((HttpStatusCode)(++calls > 0 ? 500 : 200))), Ct);

        Assert.Equal(1, calls);
    }
}
