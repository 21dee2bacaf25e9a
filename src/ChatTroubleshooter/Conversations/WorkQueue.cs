using System.Text.Json.Nodes;
using ChatTroubleshooter.Conversations.State;
using ChatTroubleshooter.Observability;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Conversations;

/// <summary>
/// Work a channel accepted and acknowledged, to be done in the background: look the call up, run the rules,
/// send the reply. <see cref="Channel"/> picks the <see cref="IWorkHandler"/>; <see cref="Payload"/> is what it
/// needs, as JSON so that the durable outbox can keep it.
/// </summary>
public sealed record WorkItem(string Id, string Channel, string Kind, JsonObject Payload)
{
    /// <summary>Not before this time (a delayed re-check); null for now.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    public int Attempt { get; init; }

    /// <summary>
    /// A new id for work a channel accepted: time-ordered (UUID v7), so the outbox's index grows at its end instead
    /// of touching a random page for every accepted request. Its 74 random bits come from <see cref="Random.Shared"/>:
    /// the id must be unique, not unguessable, and <see cref="Guid.CreateVersion7()"/>'s cryptographic randomness costs
    /// a getrandom system call per accepted request.
    /// </summary>
    public static string NewId(string channel)
    {
        Span<byte> uuid = stackalloc byte[16];
        Random.Shared.NextBytes(uuid[6..]);
        // RFC 9562: 48 bits of Unix milliseconds (big-endian), version 7, variant 10.
        var ms = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(uuid[..8], ms << 16 | (long)(uuid[6] & 0x0F | 0x70) << 8 | uuid[7]);
        uuid[8] = (byte)(uuid[8] & 0x3F | 0x80);
        return $"{channel}:{new Guid(uuid, bigEndian: true):N}";
    }
}

public interface IWorkQueue
{
    ValueTask EnqueueAsync(WorkItem item, CancellationToken ct);
}

/// <summary>
/// Does the work of one channel in two steps, so a retried item never sends a reply twice: <see cref="PlanAsync"/>
/// runs the conversation turn once and returns what to send (saved in the outbox), <see cref="DeliverAsync"/>
/// sends one planned delivery (each marked as sent once it went out).
/// </summary>
public interface IWorkHandler
{
    string Channel { get; }

    Task<JsonArray> PlanAsync(WorkItem item, CancellationToken ct);

    Task DeliverAsync(WorkItem item, JsonObject delivery, CancellationToken ct);
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

    /// <summary>How long a claimed item is reserved for its worker; after a crash it runs again when this ends.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);

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
    ILogger<WorkProcessor> logger) : BackgroundService
{
    public const string PlanKey = "deliveries";
    public const string ScheduleType = "schedule";

    private readonly Dictionary<string, IWorkHandler> _handlers = handlers.ToDictionary(h => h.Channel, StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var o = options.Value;
        using var slots = new SemaphoreSlim(o.Workers);
        var running = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Wait for a free worker, then claim as many items as there are free workers.
                await slots.WaitAsync(stoppingToken);
                slots.Release();
                var items = await outbox.ClaimAsync(slots.CurrentCount, o.Lease, stoppingToken);
                foreach (var item in items)
                {
                    await slots.WaitAsync(stoppingToken);
                    // At a lower priority than the acks (see BackgroundScheduler).
                    running.Add(Task.Factory.StartNew(async () =>
                    {
                        try
                        {
                            BackgroundScheduler.MarkBackgroundWork();
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
                // The store is unreachable (e.g. Redis restarting): wait and try again, never stop the loop.
                logger.LogError(e, "Could not read the outbox; retrying.");
                await Task.Delay(o.PollInterval, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        await Task.WhenAll(running).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task ProcessAsync(WorkItem item, CancellationToken ct)
    {
        if (!_handlers.TryGetValue(item.Channel, out var handler))
        {
            await outbox.DeadLetterAsync(item, $"no handler for channel {item.Channel}", ct);
            return;
        }

        try
        {
            if (item.Payload[PlanKey] is not JsonArray plan)
            {
                plan = await handler.PlanAsync(item, ct);
                item.Payload[PlanKey] = plan;
                // Several deliveries: the plan is saved, so that after a crash the ones already sent are skipped. One
                // delivery needs no save (a write fewer per item): running the item again plans the same reply, since
                // a turn carries the work id and the conversation answers a repeated turn with its stored result.
                if (plan.Count > 1)
                {
                    await outbox.SaveProgressAsync(item, ct);
                }
            }

            var deliveries = plan.OfType<JsonObject>().ToList();
            foreach (var delivery in deliveries)
            {
                if ((bool?)delivery["sent"] == true)
                {
                    continue;
                }

                if ((string?)delivery["type"] == ScheduleType)
                {
                    await ScheduleAsync(item, delivery, ct);
                }
                else
                {
                    await handler.DeliverAsync(item, delivery, ct);
                }

                delivery["sent"] = true;
                // The last one needs no mark: completing the item follows at once.
                if (!ReferenceEquals(delivery, deliveries[^1]))
                {
                    await outbox.SaveProgressAsync(item, ct);
                }
            }

            await outbox.CompleteAsync(item, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            BotMetrics.WorkFailures.Add(1, new KeyValuePair<string, object?>("channel", item.Channel));
            var attempt = item.Attempt + 1;
            if (attempt >= options.Value.MaxAttempts)
            {
                BotMetrics.DeadLetters.Add(1, new KeyValuePair<string, object?>("channel", item.Channel));
                logger.LogError(e, "Work {Id} ({Channel}/{Kind}) failed {Attempts} times and is now a dead letter.", item.Id, item.Channel, item.Kind, attempt);
                await outbox.DeadLetterAsync(item with { Attempt = attempt }, e.Message, CancellationToken.None);
            }
            else
            {
                var delay = TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, attempt)));
                logger.LogWarning("Work {Id} ({Channel}/{Kind}) failed ({Error}); attempt {Attempt} in {Delay}.", item.Id, item.Channel, item.Kind, e.Message, attempt + 1, delay);
                await outbox.RetryAsync(item with { Attempt = attempt }, time.GetUtcNow() + delay, e.Message, CancellationToken.None);
            }
        }
    }

    /// <summary>A planned follow-up (a re-check after a delay), enqueued once with an id derived from this item.</summary>
    private async Task ScheduleAsync(WorkItem item, JsonObject delivery, CancellationToken ct)
    {
        var after = TimeSpan.FromSeconds((double)delivery["afterSeconds"]!);
        await outbox.EnqueueAsync(new WorkItem($"{item.Id}:{(string)delivery["kind"]!}", item.Channel, (string)delivery["kind"]!, delivery["payload"]!.AsObject().DeepClone().AsObject())
        {
            NotBefore = time.GetUtcNow() + after,
        }, ct);
    }

    /// <summary>A delivery that enqueues follow-up work after a delay (see <see cref="ScheduleAsync"/>).</summary>
    public static JsonObject Schedule(string kind, TimeSpan after, JsonObject payload) => new()
    {
        ["type"] = ScheduleType,
        ["kind"] = kind,
        ["afterSeconds"] = after.TotalSeconds,
        ["payload"] = payload,
    };
}
