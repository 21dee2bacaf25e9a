using ChatTroubleshooter.Observability;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Outbox;

/// <summary>Where a channel's endpoint puts the work it accepted; it returns once the work is durable.</summary>
public interface IWorkQueue
{
    ValueTask EnqueueAsync(WorkItem item, CancellationToken ct);

    /// <summary>
    /// Enqueues <paramref name="item"/> unless <paramref name="dedupeKey"/> (a Slack event_id, a Teams activity id) was
    /// seen within <paramref name="window"/>; false for a repeat. The key and the item are one write (one SQLite
    /// transaction, one Redis script): an enqueue that fails leaves no key, so the platform's retry is not lost.
    /// </summary>
    ValueTask<bool> EnqueueOnceAsync(WorkItem item, string dedupeKey, TimeSpan window, CancellationToken ct);
}

/// <summary>
/// The durable outbox: accepted work survives a restart. Workers claim due items for a lease; an item whose
/// worker died becomes due again when the lease ends. Progress (the planned deliveries, which were sent) is
/// saved so a retried item never sends the same reply twice.
/// </summary>
public interface IWorkOutbox : IWorkQueue
{
    /// <summary>Due items, each reserved for <paramref name="lease"/>. Items that cannot be read become dead letters.</summary>
    Task<IReadOnlyList<WorkItem>> ClaimAsync(int max, TimeSpan lease, CancellationToken ct);

    /// <summary>
    /// The heartbeat: extends the lease of items this instance is still working on (only those it holds), so a
    /// lease can be short and a dead instance's work is taken over soon after its heartbeat stops.
    /// </summary>
    Task RenewAsync(IReadOnlyCollection<string> ids, TimeSpan lease, CancellationToken ct);

    Task SaveProgressAsync(WorkItem item, CancellationToken ct);

    Task CompleteAsync(WorkItem item, CancellationToken ct);

    Task RetryAsync(WorkItem item, DateTimeOffset notBefore, string error, CancellationToken ct);

    Task DeadLetterAsync(WorkItem item, string error, CancellationToken ct);

    /// <summary>Items not completed yet (pending, claimed or waiting for a retry), dead letters excluded.</summary>
    Task<int> CountPendingAsync(CancellationToken ct);

    /// <summary>
    /// A small write that fails when the store cannot write (a full disk, Redis refusing writes), for readiness: a store
    /// can still answer reads, and a claim that finds nothing writes nothing.
    /// </summary>
    Task ProbeWriteAsync(CancellationToken ct);

    /// <summary>
    /// Signalled when work due now is enqueued (by any instance sharing the store), so workers need not wait for the next
    /// poll: true when woken, false when <paramref name="timeout"/> passed.
    /// </summary>
    Task<bool> WaitForWorkAsync(TimeSpan timeout, CancellationToken ct);
}

/// <summary>
/// Does the work of one channel in two steps, so a retried item never sends a reply twice: <see cref="PlanAsync"/>
/// runs the conversation turn once and returns what to send (saved in the outbox), <see cref="DeliverAsync"/>
/// sends one planned delivery (each marked as sent once it went out).
/// </summary>
public interface IWorkHandler
{
    /// <summary>Its name in logs and metrics (the <c>channel</c> tag): Slack, Teams, Aircall, Audit.</summary>
    string Name { get; }

    /// <summary>Whether this handler does <paramref name="work"/>: each feature's handler does its own kinds.</summary>
    bool Handles(Work work);

    Task<IReadOnlyList<Delivery>> PlanAsync(WorkItem item, CancellationToken ct);

    Task DeliverAsync(Delivery delivery, CancellationToken ct);

    /// <summary>
    /// Whether a delivery that may have gone out already (<see cref="Delivery.MaybeSent"/>, or planned by a holder that
    /// stopped) is there: true (found: it is not sent again), false (not there: it is sent), null (the channel cannot
    /// tell: it is sent again, and counted and logged as a possible duplicate).
    /// </summary>
    Task<bool?> FindSentAsync(Delivery delivery, CancellationToken ct) => Task.FromResult<bool?>(null);
}

public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>Off only for tests that simulate a crash between accepting work and sending the reply.</summary>
    public bool Enabled { get; set; } = true;

    [System.ComponentModel.DataAnnotations.Range(1, 64)]
    public int Workers { get; set; } = 8;

    [System.ComponentModel.DataAnnotations.Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// How long a claimed item is reserved for its worker, renewed every third of it while the worker is alive; after
    /// a crash (no more renewals) another instance takes the item over when it ends (with the poll: under 10 s by
    /// default). SQLite also takes back, at start, what a dead process of the same machine held.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:03", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>How long an ack may wait for its store write before answering 503 (Slack allows 3 s in all).</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00.100", "00:00:02.500")]
    public TimeSpan AckBudget { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often to look for work enqueued by other instances or due after a delay.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>
/// Drains the durable outbox: claims due items, plans and delivers them, retries with exponential backoff, and
/// moves an item that keeps failing to the dead letters (an error log and the <c>chattroubleshooter.work.dead_letters</c> counter).
/// </summary>
internal sealed class WorkProcessor(
    IWorkOutbox outbox,
    IEnumerable<IWorkHandler> handlers,
    TimeProvider time,
    IOptions<OutboxOptions> options,
    BackgroundScheduler scheduler,
    StoreHealth health,
    ILogger<WorkProcessor> logger) : BackgroundService
{
    private readonly IWorkHandler[] _handlers = [.. handlers];

    /// <summary>The handler of each kind of work met so far.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, IWorkHandler?> _handlerOf = new();

    private IWorkHandler? HandlerOf(Work work) => _handlerOf.GetOrAdd(work.GetType(), _ => _handlers.FirstOrDefault(h => h.Handles(work)));

    /// <summary>Items being worked on here, whose leases the heartbeat renews.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _held = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var o = options.Value;
        using var slots = new SemaphoreSlim(o.Workers);
        var running = new List<Task>();
        var heartbeat = HeartbeatAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Wait for a free worker, then claim as many items as there are free workers.
                await slots.WaitAsync(stoppingToken);
                slots.Release();
                var items = await outbox.ClaimAsync(slots.CurrentCount, o.Lease, stoppingToken);
                health.Succeeded();
                foreach (var item in items)
                {
                    await slots.WaitAsync(stoppingToken);
                    // At a lower priority than the acks (see BackgroundScheduler).
                    running.Add(Task.Factory.StartNew(async () =>
                    {
                        try
                        {
                            await ProcessAsync(item, stoppingToken);
                        }
                        finally
                        {
                            slots.Release();
                        }
                    }, stoppingToken, TaskCreationOptions.DenyChildAttach, scheduler).Unwrap());
                }

                running.RemoveAll(t => t.IsCompleted);
                if (items.Count == 0)
                {
                    await outbox.WaitForWorkAsync(o.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // The store is unreachable (e.g. Redis restarting, a full disk): wait and try again, never stop the loop.
                health.Failed(e.GetType().Name);
                logger.LogError("Could not claim work from the outbox ({Error}: {Message}); retrying.", e.GetType().Name, e.Message.Split('\n', 2)[0]);
                await Task.Delay(o.PollInterval, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        await Task.WhenAll([.. running, heartbeat]).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>A plan with each delivery's id: the item's id and its place.</summary>
    private static Delivery[] Number(WorkItem item, IReadOnlyList<Delivery> plan) =>
        [.. plan.Select((d, i) => d with { Id = $"{item.Id}:{i}" })];

    /// <summary>
    /// Whether a delivery that may have gone out already did: asked of the channel where it can tell. Where it cannot, the
    /// delivery is sent again, and that possible duplicate is counted and logged, naming the holder that stopped.
    /// </summary>
    private async Task<bool> AlreadySentAsync(WorkItem item, Delivery delivery, IWorkHandler handler, CancellationToken ct)
    {
        if (delivery.Repeatable || !delivery.MaybeSent)
        {
            return false;
        }

        if (await handler.FindSentAsync(delivery, ct) is { } found)
        {
            return found;
        }

        var channel = new KeyValuePair<string, object?>("channel", handler.Name);
        BotMetrics.PossibleDuplicates.Add(1, channel);
        logger.LogWarning("Work {Id}: {Delivery} {DeliveryId} may have reached {Channel} already ({Why}); it cannot be looked for there, so it is sent again: a retry can show it twice.",
            item.Id, delivery.GetType().Name, delivery.Id, handler.Name,
            item.TakenOverFrom is { } previous ? $"its previous holder {previous} stopped before marking it sent" : "the last attempt lost its answer");
        return false;
    }

    /// <summary>No answer (a timeout, a reset connection) or a server error: the peer may have acted on the request.</summary>
    private static bool MayHaveArrived(Exception e, CancellationToken ct) => e switch
    {
        HttpRequestException { StatusCode: null or >= System.Net.HttpStatusCode.InternalServerError } => true,
        Polly.Timeout.TimeoutRejectedException or TimeoutException or IOException => true,
        OperationCanceledException => !ct.IsCancellationRequested,
        _ => false,
    };

    private async Task HeartbeatAsync(CancellationToken ct)
    {
        var lease = options.Value.Lease;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(lease / 3, time, ct);
                if (!_held.IsEmpty)
                {
                    await outbox.RenewAsync(_held.Keys.ToArray(), lease, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A missed beat is not fatal: the next one comes before the lease ends (two more chances).
                logger.LogWarning("Could not renew the leases of {Count} item(s): {Error}.", _held.Count, e.GetType().Name);
            }
        }
    }

    private async Task ProcessAsync(WorkItem item, CancellationToken ct)
    {
        _held[item.Id] = 0;
        try
        {
            await ProcessHeldAsync(item, ct);
        }
        finally
        {
            _held.TryRemove(item.Id, out _);
        }
    }

    private async Task ProcessHeldAsync(WorkItem item, CancellationToken ct)
    {
        var kind = item.Work.GetType().Name;
        if (HandlerOf(item.Work) is not { } handler)
        {
            // Work of a feature that is not registered in this host: nothing here can ever do it.
            logger.LogError("Work {Id} ({Kind}) has no handler in this host; it is now a dead letter.", item.Id, kind);
            await outbox.DeadLetterAsync(item, $"no handler for {kind}", ct);
            return;
        }

        Delivery? sending = null;
        var sendingAt = -1;
        try
        {
            if (item.Plan is null)
            {
                item = item with { Plan = Number(item, await handler.PlanAsync(item, ct)) };
                // Several deliveries: the plan is saved, so that after a crash the ones already sent are skipped. One
                // delivery needs no save (a write fewer per item): running the item again plans the same reply, since
                // a turn carries the work id and the conversation answers a repeated turn with its stored result.
                if (item.Plan.Count > 1)
                {
                    await outbox.SaveProgressAsync(item, ct);
                }
            }

            var plan = item.Plan.ToArray();
            if (item.TakenOverFrom is not null)
            {
                // Its holder stopped: it sends in order, so the first delivery not marked sent may have gone out.
                var inFlight = Array.FindIndex(plan, d => !d.Sent && !d.Repeatable && d is not FollowUp);
                if (inFlight >= 0)
                {
                    plan[inFlight] = plan[inFlight] with { MaybeSent = true };
                }
            }

            for (var i = 0; i < plan.Length; i++)
            {
                if (plan[i].Sent)
                {
                    continue;
                }

                if (plan[i] is FollowUp followUp)
                {
                    await outbox.EnqueueAsync(new WorkItem($"{item.Id}:{i}", followUp.Work) { NotBefore = time.GetUtcNow() + followUp.After }, ct);
                }
                else if (await AlreadySentAsync(item, plan[i], handler, ct))
                {
                    logger.LogInformation("Work {Id} ({Kind}): {Delivery} {DeliveryId} had gone out already; not sent again.",
                        item.Id, kind, plan[i].GetType().Name, plan[i].Id);
                }
                else
                {
                    sending = plan[i];
                    sendingAt = i;
                    await handler.DeliverAsync(plan[i], ct);
                    sending = null;
                }

                plan[i] = plan[i] with { Sent = true };
                // The last one needs no mark: completing the item follows at once.
                if (i < plan.Length - 1)
                {
                    item = item with { Plan = plan.ToArray() };
                    await outbox.SaveProgressAsync(item, ct);
                }
            }

            await outbox.CompleteAsync(item, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var channel = new KeyValuePair<string, object?>("channel", handler.Name);
            BotMetrics.WorkFailures.Add(1, channel);
            if (sending is { Repeatable: false } && MayHaveArrived(e, ct) && item.Plan is { } planned)
            {
                // The next attempt looks for it first; where the channel cannot tell, it is counted then (see AlreadySentAsync).
                item = item with { Plan = [.. planned.Select((d, n) => n == sendingAt ? d with { MaybeSent = true } : d)] };
                logger.LogWarning("Work {Id} ({Kind}): a {Delivery} lost its answer ({Error}); the next attempt checks whether it went out.",
                    item.Id, kind, sending.GetType().Name, e.GetType().Name);
            }

            var attempt = item.Attempt + 1;
            if (attempt >= options.Value.MaxAttempts)
            {
                BotMetrics.DeadLetters.Add(1, channel);
                logger.LogError(e, "Work {Id} ({Kind}) failed {Attempts} times and is now a dead letter.", item.Id, kind, attempt);
                await outbox.DeadLetterAsync(item with { Attempt = attempt }, e.Message, CancellationToken.None);
            }
            else
            {
                var delay = TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, attempt)));
                logger.LogWarning("Work {Id} ({Kind}) failed ({Error}); attempt {Attempt} in {Delay}.", item.Id, kind, e.Message, attempt + 1, delay);
                await outbox.RetryAsync(item with { Attempt = attempt }, time.GetUtcNow() + delay, e.Message, CancellationToken.None);
            }
        }
    }
}
