using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Conversations;
using Microsoft.Extensions.Time.Testing;

namespace ChatTroubleshooter.Tests.Aircall;

/// <summary>Who gets Aircall's next permit: users first, then prompt work (in-call warnings), then bulk work (issue 35).</summary>
public sealed class AircallSchedulerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task APromptRequester_GoesAfterUsers_AndBeforeBulkWork_WhateverTheOrderTheyCameIn()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        // 6 a minute: a bucket of one permit, one more every 10 s (of the fake clock).
        using var scheduler = new AircallScheduler(requestsPerMinute: 6, maxLookupsPerRequester: 3, time);
        await scheduler.StartAsync(Ct);
        await scheduler.WaitTurnAsync(new CallRequester("first"), Ct); // takes the bucket's permit

        var order = new List<string>();
        Task Queue(CallRequester requester) => scheduler.WaitTurnAsync(requester, Ct).ContinueWith(_ => { lock (order) order.Add(requester.Id); }, TaskScheduler.Default);
        var audit = Queue(new CallRequester("aircall:audit", CallPriority.Bulk));
        var warning = Queue(new CallRequester("aircall:in-call-warnings", CallPriority.Prompt));
        var user = Queue(new CallRequester("slack:u1"));

        foreach (var turn in new[] { user, warning, audit })
        {
            while (!turn.IsCompleted)
            {
                time.Advance(TimeSpan.FromSeconds(10));
                await Task.WhenAny(turn, Task.Delay(20, Ct));
            }
        }

        Assert.Equal(["slack:u1", "aircall:in-call-warnings", "aircall:audit"], order);
        await scheduler.StopAsync(Ct);
    }

    [Fact]
    public void PromptAndBulkWork_AreNeverTurnedAway_AUserIs()
    {
        using var scheduler = new AircallScheduler(requestsPerMinute: 60, maxLookupsPerRequester: 1, TimeProvider.System);
        var prompt = new CallRequester("aircall:in-call-warnings", CallPriority.Prompt);
        var user = new CallRequester("slack:u1");

        Assert.NotNull(scheduler.TryStartLookup(prompt, out _));
        Assert.NotNull(scheduler.TryStartLookup(prompt, out _));
        Assert.NotNull(scheduler.TryStartLookup(user, out _));
        Assert.Null(scheduler.TryStartLookup(user, out var underWay));
        Assert.Equal(1, underWay);
    }
}
