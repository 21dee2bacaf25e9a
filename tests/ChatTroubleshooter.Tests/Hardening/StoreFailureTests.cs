using System.Net;
using ChatTroubleshooter.Outbox;
using ChatTroubleshooter.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

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

    /// <summary>
    /// A full disk as the outbox sees it: reads and claims answer (a claim that finds nothing writes nothing), every write
    /// fails as SQLite says it.
    /// </summary>
    private sealed class FullDiskOutbox : IWorkOutbox
    {
        private int _claims;

        public int Claims => Volatile.Read(ref _claims);

        private static IOException Full() => new("database or disk is full");

        public ValueTask EnqueueAsync(WorkItem item, CancellationToken ct) => ValueTask.FromException(Full());

        public ValueTask<bool> EnqueueOnceAsync(WorkItem item, string dedupeKey, TimeSpan window, CancellationToken ct) => ValueTask.FromException<bool>(Full());

        public Task<IReadOnlyList<WorkItem>> ClaimAsync(int max, TimeSpan lease, CancellationToken ct)
        {
            Interlocked.Increment(ref _claims);
            return Task.FromResult<IReadOnlyList<WorkItem>>([]);
        }

        public Task RenewAsync(IReadOnlyCollection<string> ids, TimeSpan lease, CancellationToken ct) => Task.CompletedTask;

        public Task SaveProgressAsync(WorkItem item, CancellationToken ct) => Task.FromException(Full());

        public Task CompleteAsync(WorkItem item, CancellationToken ct) => Task.FromException(Full());

        public Task RetryAsync(WorkItem item, DateTimeOffset notBefore, string error, CancellationToken ct) => Task.FromException(Full());

        public Task DeadLetterAsync(WorkItem item, string error, CancellationToken ct) => Task.FromException(Full());

        public Task<int> CountPendingAsync(CancellationToken ct) => Task.FromResult(0);

        public Task ProbeWriteAsync(CancellationToken ct) => Task.FromException(Full());

        public async Task<bool> WaitForWorkAsync(TimeSpan timeout, CancellationToken ct)
        {
            await Task.Delay(timeout, ct);
            return false;
        }
    }

    [Fact]
    public async Task FullDisk_ReadyzIsNotReady_EveryTime_EvenAfterClaimsThatWroteNothing()
    {
        var outbox = new FullDiskOutbox();
        using var app = new BotApp(new() { ["Outbox:AckBudget"] = "00:00:00.500", ["Outbox:PollInterval"] = "00:00:00.020" })
        {
            TestServices = services => services.AddSingleton<IWorkOutbox>(outbox).AddSingleton<IWorkQueue>(outbox),
        };
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.SendAsync(SlackRequests.SlashCommand("1000004"), Ct)).StatusCode);

        // Before: the workers' next claim (it found nothing, so it wrote nothing) counted as a working store, and /readyz
        // said 200 on a full disk. Each probe here follows claims made after the failed ack.
        for (var probe = 0; probe < 5; probe++)
        {
            var claims = outbox.Claims;
            while (outbox.Claims < claims + 2)
            {
                await Task.Yield();
                await outbox.WaitForWorkAsync(TimeSpan.FromMilliseconds(5), Ct);
            }

            var ready = await client.GetAsync("/readyz", Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("store writes failing", await ready.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(app.Logs.Entries, e => e.Exception is not null);
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
