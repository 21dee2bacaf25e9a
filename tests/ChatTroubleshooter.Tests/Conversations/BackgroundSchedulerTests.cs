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
            var before = BackgroundScheduler.CurrentThreadNice;
            await Task.Delay(10, TestContext.Current.CancellationToken);
            return (Before: before, After: BackgroundScheduler.CurrentThreadNice, Marked: BackgroundScheduler.IsBackgroundWork);
        }, TestContext.Current.CancellationToken, TaskCreationOptions.DenyChildAttach, scheduler).Unwrap();

        Assert.NotNull(seen.Before);
        Assert.NotNull(seen.After);
        if (OperatingSystem.IsLinux())
        {
            // At least 10: a process that already runs nicer than that cannot (and need not) go back up.
            Assert.True(seen.Before >= BackgroundScheduler.Nice, $"nice {seen.Before}");
            Assert.True(seen.After >= BackgroundScheduler.Nice, $"nice {seen.After}");
        }

        Assert.True(seen.Marked);
        // The caller's own flow is not outbox work, and is not on the scheduler's threads.
        Assert.False(BackgroundScheduler.IsBackgroundWork);
        Assert.Null(BackgroundScheduler.CurrentThreadNice);
    }
}
