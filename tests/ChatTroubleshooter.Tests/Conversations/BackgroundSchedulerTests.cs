using ChatTroubleshooter.Conversations;

namespace ChatTroubleshooter.Tests.Conversations;

public sealed class BackgroundSchedulerTests
{
    /// <summary>Outbox work runs below the acks' priority, stays there across awaits, and is marked as outbox work.</summary>
    [Fact]
    public async Task Work_RunsAtALowerPriority_AcrossAwaits_AndIsMarkedAsOutboxWork()
    {
        using var scheduler = new BackgroundScheduler(2);
        var seen = await Task.Factory.StartNew(async () =>
        {
            BackgroundScheduler.MarkBackgroundWork();
            var before = (BackgroundScheduler.OnWorkThread, BackgroundScheduler.CurrentThreadNice);
            await Task.Delay(10, TestContext.Current.CancellationToken);
            var after = (BackgroundScheduler.OnWorkThread, BackgroundScheduler.CurrentThreadNice);
            return (Before: before, After: after, Marked: BackgroundScheduler.IsBackgroundWork);
        }, TestContext.Current.CancellationToken, TaskCreationOptions.DenyChildAttach, scheduler).Unwrap();

        Assert.True(seen.Before.OnWorkThread);
        Assert.True(seen.After.OnWorkThread);
        if (OperatingSystem.IsLinux())
        {
            // At least 10: a process that already runs nicer than that cannot (and need not) go back up.
            Assert.True(seen.Before.CurrentThreadNice >= BackgroundScheduler.Nice, $"nice {seen.Before.CurrentThreadNice}");
            Assert.True(seen.After.CurrentThreadNice >= BackgroundScheduler.Nice, $"nice {seen.After.CurrentThreadNice}");
        }

        Assert.True(seen.Marked);
        // The caller's own flow is not outbox work, and is not on the scheduler's threads.
        Assert.False(BackgroundScheduler.IsBackgroundWork);
        Assert.False(BackgroundScheduler.OnWorkThread);
    }
}
