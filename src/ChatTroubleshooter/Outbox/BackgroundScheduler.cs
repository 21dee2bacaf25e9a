using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace ChatTroubleshooter.Outbox;

/// <summary>
/// Runs the outbox work (look-ups, rules, cards, sends) on threads of its own at a lower OS priority, so that under
/// a burst the acks Slack and Teams wait for (3 s, then they retry and double the load) always get the CPU first,
/// and the replies, which take longer anyway, use what is left. When nothing else runs, the work gets all the CPU.
/// <para>
/// Our own continuations come back here (an <c>await</c> resumes on the current scheduler); library code that
/// resumes with <c>ConfigureAwait(false)</c> (HTTP, Polly) continues on the thread pool, which is fine: that part is
/// waiting, not computing.
/// </para>
/// </summary>
internal sealed class BackgroundScheduler : TaskScheduler, IDisposable
{
    /// <summary>Linux nice value of the work threads: 10 gets about a tenth of a core that the acks want.</summary>
    public const int Nice = 10;

    private readonly BlockingCollection<Task> _queue = [];
    private readonly Thread[] _threads;

    [ThreadStatic]
    private static BackgroundScheduler? _current;

    public BackgroundScheduler(int threads)
    {
        _threads = new Thread[threads];
        for (var i = 0; i < threads; i++)
        {
            _threads[i] = new Thread(Run) { IsBackground = true, Name = "Outbox work", Priority = ThreadPriority.BelowNormal };
            _threads[i].Start();
        }
    }

    public override int MaximumConcurrencyLevel => _threads.Length;

    /// <summary>Whether the calling thread is one of a scheduler's work threads.</summary>
    public static bool OnWorkThread => _current is not null;

    /// <summary>The calling thread's nice value on Linux (tests); null elsewhere.</summary>
    public static int? CurrentThreadNice => OperatingSystem.IsLinux() ? GetPriority(0, GetTid()) : null;

    public void Dispose() => _queue.CompleteAdding();

    protected override void QueueTask(Task task)
    {
        if (!_queue.TryAdd(task))
        {
            // Stopping: run it on the thread pool rather than lose it.
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Scheduler.TryExecuteTask(s.Task), (Scheduler: this, Task: task), preferLocal: false);
        }
    }

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        _current == this && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private void Run()
    {
        _current = this;
        if (OperatingSystem.IsLinux())
        {
            try
            {
                // .NET does not map thread priorities on Linux; raising our own nice value needs no privilege.
                _ = SetPriority(0, GetTid(), Nice);
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                // A libc without gettid (glibc before 2.30): the work runs at the normal priority.
            }
        }

        foreach (var task in _queue.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }

    // Plain ints only: no marshalling, so DllImport needs no unsafe code.
    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "getpriority")]
    private static extern int GetPriority(int which, int who);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetTid();
}
