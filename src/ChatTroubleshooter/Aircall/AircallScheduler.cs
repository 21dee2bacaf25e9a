using ChatTroubleshooter.Conversations;

namespace ChatTroubleshooter.Aircall;

/// <summary>
/// Shares Aircall's per-company rate limit fairly. Every request (retries included) waits for its turn here, outside
/// the attempt timeout and the circuit breaker, so waiting for a permit is never a timeout or a failure. Turns go
/// round robin between requesters of the same priority (a user, or a feature's work): interactive requesters first, then
/// prompt ones (a warning during a live call), then bulk ones (alerts after the call, audits, write-backs),
/// and one permit per turn from a process-wide token bucket refilled at <c>Aircall:RequestsPerMinute</c>. A
/// requester with <c>Aircall:MaxLookupsPerUser</c> lookups under way is told so instead of queueing more.
/// <para>
/// Before, one user's 150 call ids queued first-come first-served behind one limiter inside the 5 s attempt
/// timeout: 527 timeouts opened the breaker, and two other users were told Aircall could not be reached.
/// </para>
/// </summary>
internal sealed class AircallScheduler : BackgroundService
{
    /// <summary>The request option naming whose request it is (set by <see cref="AircallClient"/>).</summary>
    public static readonly HttpRequestOptionsKey<CallRequester> RequesterKey = new("ChatTroubleshooter.Aircall.Requester");

    /// <summary>Requests made for no one in particular (none today: every lookup names its requester).</summary>
    public static readonly CallRequester Unattributed = new("unattributed", CallPriority.Bulk);

    private readonly TimeProvider _time;
    private readonly double _capacity;
    private readonly double _perSecond;
    private double _tokens;
    private long _refilledAt;
    private readonly int _maxLookups;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    /// <summary>The lanes waiting for a turn, one queue per priority (<see cref="CallPriority"/> order).</summary>
    private readonly Queue<Lane>[] _waiting = [new(), new(), new()];
    private readonly SemaphoreSlim _queued = new(0);

    public AircallScheduler(int requestsPerMinute, int maxLookupsPerRequester, TimeProvider time)
    {
        _maxLookups = maxLookupsPerRequester;
        _time = time;
        // Aircall counts per minute: a bucket of a sixth of the minute's requests, refilled continuously, keeps any
        // minute within the limit while letting a conversation's two or three requests go out at once.
        _capacity = Math.Max(1, requestsPerMinute / 6);
        _perSecond = requestsPerMinute / 60.0;
        _tokens = _capacity;
        _refilledAt = time.GetTimestamp();
    }

    /// <summary>
    /// Starts a lookup for <paramref name="requester"/>; null when it already has the most allowed under way (their
    /// number in <paramref name="underWay"/>). Dispose the ticket when the lookup is done.
    /// </summary>
    public IDisposable? TryStartLookup(CallRequester requester, out int underWay)
    {
        lock (_lock)
        {
            var lane = LaneOf(requester);
            underWay = lane.Lookups;
            // Background work (warnings, alerts) is paced by its turns, after every user: it is never turned away.
            if (!lane.Background && lane.Lookups >= _maxLookups)
            {
                Forget(lane);
                return null;
            }

            lane.Lookups++;
            return new Ticket(this, lane);
        }
    }

    /// <summary>Waits for <paramref name="requester"/>'s turn and a permit.</summary>
    public async Task WaitTurnAsync(CallRequester requester, CancellationToken ct)
    {
        var turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            var lane = LaneOf(requester);
            lane.Waiting.Enqueue(turn);
            if (lane.Waiting.Count == 1)
            {
                _waiting[(int)lane.Priority].Enqueue(lane);
            }
        }

        _queued.Release();
        await using (ct.Register(() => turn.TrySetCanceled(ct)))
        {
            await turn.Task;
        }
    }

    /// <summary>Hands out turns while the host runs: a lookup waits for its turn until then.</summary>
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                // One count per queued turn: wait for a turn, then a permit, then hand it to the next turn still wanted.
                await _queued.WaitAsync(stop);
                await TakePermitAsync(stop);
                while (!NextTurn().TrySetResult())
                {
                    // That turn was cancelled meanwhile: the permit goes to the next one.
                    await _queued.WaitAsync(stop);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>One token from the bucket, waiting (on the injected clock) until one has been refilled.</summary>
    private async Task TakePermitAsync(CancellationToken ct)
    {
        while (true)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(_capacity, _tokens + _time.GetElapsedTime(_refilledAt, now).TotalSeconds * _perSecond);
            _refilledAt = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds((1 - _tokens) / _perSecond), _time, ct);
        }
    }

    /// <summary>The first turn of the next lane, by priority, each lane going to the back of its queue after its turn.</summary>
    private TaskCompletionSource NextTurn()
    {
        lock (_lock)
        {
            var queue = Array.Find(_waiting, q => q.Count > 0)!;
            var lane = queue.Dequeue();
            var turn = lane.Waiting.Dequeue();
            if (lane.Waiting.Count > 0)
            {
                queue.Enqueue(lane);
            }
            else
            {
                Forget(lane);
            }

            return turn;
        }
    }

    private Lane LaneOf(CallRequester requester)
    {
        if (!_lanes.TryGetValue(requester.Id, out var lane))
        {
            _lanes[requester.Id] = lane = new Lane(requester.Id, requester.Priority);
        }

        return lane;
    }

    /// <summary>Drops a lane nobody uses any more, so the table holds only active requesters.</summary>
    private void Forget(Lane lane)
    {
        if (lane.Lookups == 0 && lane.Waiting.Count == 0)
        {
            _lanes.Remove(lane.Id);
        }
    }


    private sealed class Lane(string id, CallPriority priority)
    {
        public string Id { get; } = id;

        public CallPriority Priority { get; } = priority;

        public bool Background => Priority != CallPriority.Interactive;

        public int Lookups { get; set; }

        public Queue<TaskCompletionSource> Waiting { get; } = new();
    }

    private sealed class Ticket(AircallScheduler scheduler, Lane lane) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            lock (scheduler._lock)
            {
                lane.Lookups--;
                scheduler.Forget(lane);
            }
        }
    }
}

/// <summary>Each Aircall request waits here for its requester's turn (see <see cref="AircallScheduler"/>).</summary>
internal sealed class AircallSchedulingHandler(AircallScheduler scheduler) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var requester = request.Options.TryGetValue(AircallScheduler.RequesterKey, out var r) ? r : AircallScheduler.Unattributed;
        await scheduler.WaitTurnAsync(requester, cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }
}
