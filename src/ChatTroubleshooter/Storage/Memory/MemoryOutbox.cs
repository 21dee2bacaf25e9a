using System.Collections.Concurrent;
using ChatTroubleshooter.Outbox;
using Microsoft.Extensions.Caching.Memory;

namespace ChatTroubleshooter.Storage.Memory;

/// <summary>The outbox in this process: items with their due time, leases, dedupe keys in the memory cache.</summary>
internal sealed class MemoryOutbox(TimeProvider time, IMemoryCache cache) : IWorkOutbox
{
    private readonly ConcurrentDictionary<string, (WorkItem Item, DateTimeOffset Due)> _work = new(StringComparer.Ordinal);

    private readonly WorkSignal _signal = new();

    private readonly Lock _claim = new();

    private readonly Lock _dedupe = new();

    /// <summary>Claimed and not yet completed, retried or dead: the items a heartbeat may renew.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _leased = new(StringComparer.Ordinal);

    public ValueTask EnqueueAsync(WorkItem item, CancellationToken ct)
    {
        _work.TryAdd(item.Id, (item, item.NotBefore ?? time.GetUtcNow()));
        WakeFor(item);
        return ValueTask.CompletedTask;
    }

    /// <summary>Seen keys live in the app's memory cache, which expires them; the lock makes check-and-add one step.</summary>
    public ValueTask<bool> EnqueueOnceAsync(WorkItem item, string dedupeKey, TimeSpan window, CancellationToken ct)
    {
        lock (_dedupe)
        {
            if (cache.TryGetValue("seen:" + dedupeKey, out _))
            {
                return ValueTask.FromResult(false);
            }

            _work.TryAdd(item.Id, (item, item.NotBefore ?? time.GetUtcNow()));
            cache.Set("seen:" + dedupeKey, true, window);
        }

        WakeFor(item);
        return ValueTask.FromResult(true);
    }

    public Task<IReadOnlyList<WorkItem>> ClaimAsync(int max, TimeSpan lease, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var claimed = new List<WorkItem>();
        lock (_claim)
        {
            foreach (var (id, entry) in _work.OrderBy(w => w.Value.Due))
            {
                if (claimed.Count >= max || entry.Due > now)
                {
                    break;
                }

                // Leased still: a worker of this process held it past its lease (one process is all a memory store has).
                var overran = _leased.ContainsKey(id);
                // The lease: the item is not due again until the lease ends.
                _work[id] = (entry.Item, now + lease);
                _leased[id] = 0;
                claimed.Add(entry.Item with { TakenOverFrom = overran ? "a worker of this process whose lease ran out" : null });
            }
        }

        return Task.FromResult<IReadOnlyList<WorkItem>>(claimed);
    }

    public Task RenewAsync(IReadOnlyCollection<string> ids, TimeSpan lease, CancellationToken ct)
    {
        var until = time.GetUtcNow() + lease;
        lock (_claim)
        {
            foreach (var id in ids)
            {
                if (_leased.ContainsKey(id) && _work.TryGetValue(id, out var entry))
                {
                    _work[id] = (entry.Item, until);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task SaveProgressAsync(WorkItem item, CancellationToken ct)
    {
        if (_work.TryGetValue(item.Id, out var entry))
        {
            _work[item.Id] = (item, entry.Due);
        }

        return Task.CompletedTask;
    }

    public Task CompleteAsync(WorkItem item, CancellationToken ct)
    {
        _leased.TryRemove(item.Id, out _);
        _work.TryRemove(item.Id, out _);
        return Task.CompletedTask;
    }

    public Task RetryAsync(WorkItem item, DateTimeOffset notBefore, string error, CancellationToken ct)
    {
        lock (_claim)
        {
            _leased.TryRemove(item.Id, out _);
            _work[item.Id] = (item, notBefore);
        }

        return Task.CompletedTask;
    }

    /// <summary>A dead letter in memory goes nowhere: the error log and the dead-letter counter are its record.</summary>
    public Task DeadLetterAsync(WorkItem item, string error, CancellationToken ct)
    {
        _leased.TryRemove(item.Id, out _);
        _work.TryRemove(item.Id, out _);
        return Task.CompletedTask;
    }

    public Task<int> CountPendingAsync(CancellationToken ct) => Task.FromResult(_work.Count);

    public Task ProbeWriteAsync(CancellationToken ct) => Task.CompletedTask;

    public Task<bool> WaitForWorkAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);

    private void WakeFor(WorkItem item)
    {
        if (item.IsDueBy(time.GetUtcNow()))
        {
            _signal.Notify();
        }
    }
}
