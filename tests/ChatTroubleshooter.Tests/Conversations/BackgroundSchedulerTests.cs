using ChatTroubleshooter.Outbox;

namespace ChatTroubleshooter.Tests.Conversations;

public sealed class BackgroundSchedulerTests
{
    /// <summary>Outbox work runs below the acks' priority and stays there across awaits.</summary>
    [Fact]
    public async Task Work_RunsAtALowerPriority_AcrossAwaits()
    {
        using var scheduler = new BackgroundScheduler(2);
        var seen = await Task.Factory.StartNew(async () =>
        {
            var before = (BackgroundScheduler.OnWorkThread, BackgroundScheduler.CurrentThreadNice);
            await Task.Delay(10, TestContext.Current.CancellationToken);
            var after = (BackgroundScheduler.OnWorkThread, BackgroundScheduler.CurrentThreadNice);
            return (Before: before, After: after);
        }, TestContext.Current.CancellationToken, TaskCreationOptions.DenyChildAttach, scheduler).Unwrap();

        Assert.True(seen.Before.OnWorkThread);
        Assert.True(seen.After.OnWorkThread);
        if (OperatingSystem.IsLinux())
        {
            // At least 10: a process that already runs nicer than that cannot (and need not) go back up.
            Assert.True(seen.Before.CurrentThreadNice >= BackgroundScheduler.Nice, $"nice {seen.Before.CurrentThreadNice}");
            Assert.True(seen.After.CurrentThreadNice >= BackgroundScheduler.Nice, $"nice {seen.After.CurrentThreadNice}");
        }

        // The caller is not on the scheduler's threads.
        Assert.False(BackgroundScheduler.OnWorkThread);
    }
}
