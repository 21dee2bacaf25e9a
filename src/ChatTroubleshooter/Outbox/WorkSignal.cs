namespace ChatTroubleshooter.Outbox;

/// <summary>Wakes the outbox workers when work is enqueued, so they need not wait for the next poll.</summary>
internal sealed class WorkSignal
{
    private readonly SemaphoreSlim _signal = new(0);

    /// <summary>At most one pending wake-up (racing callers may leave two): a signal per accepted request would pile up.</summary>
    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            _signal.Release();
        }
    }

    /// <summary>True when woken, false when <paramref name="timeout"/> passed.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (!await _signal.WaitAsync(timeout, ct))
        {
            return false;
        }

        // One wake-up claims everything that is due: drop the signals that piled up meanwhile.
        while (_signal.CurrentCount > 0 && _signal.Wait(0))
        {
        }

        return true;
    }
}
