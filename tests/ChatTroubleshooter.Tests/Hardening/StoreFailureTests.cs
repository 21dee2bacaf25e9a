using System.Net;
using ChatTroubleshooter.Outbox;
using ChatTroubleshooter.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatTroubleshooter.Tests.Hardening;

/// <summary>
/// Issue 17 #6: with Redis killed, acks took 6 s and returned 500 (Slack gives 3 s), and /readyz stayed 200 with the
/// disk full. The store is the seam replaced here: one that hangs, one that throws.
/// </summary>
public sealed class StoreFailureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The outbox as a store that is down: every write hangs (a dead Redis) or throws (a full disk).</summary>
    private sealed class BrokenQueue(bool hang) : IWorkQueue
    {
        public int Attempts;

        public ValueTask EnqueueAsync(WorkItem item, CancellationToken ct) => new(FailAsync());

        public ValueTask<bool> EnqueueOnceAsync(WorkItem item, string dedupeKey, TimeSpan window, CancellationToken ct) =>
            new(FailAsync().ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default));

        private Task FailAsync()
        {
            Interlocked.Increment(ref Attempts);
            return hang ? new TaskCompletionSource().Task : Task.FromException(new IOException("database or disk is full"));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StoreDown_AcksAre503WithinTheBudget_AndReadyzIsNotReady(bool hang)
    {
        var queue = new BrokenQueue(hang);
        using var app = new BotApp(new() { ["Outbox:AckBudget"] = "00:00:00.500", ["Outbox:Enabled"] = "false" })
        {
            TestServices = services => services.AddSingleton<IWorkQueue>(queue),
        };
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz", Ct)).StatusCode);

        // A write that never returns still gets its answer: the budget ends it (no wall-clock assertion needed).
        var response = await client.SendAsync(SlackRequests.SlashCommand("1000004"), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("1", response.Headers.RetryAfter?.ToString());
        Assert.Equal(1, queue.Attempts);

        var ready = await client.GetAsync("/readyz", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("store writes failing", await ready.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs.Entries, e => e.Exception is not null);
    }
}
