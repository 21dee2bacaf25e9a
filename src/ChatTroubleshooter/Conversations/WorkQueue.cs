using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace ChatTroubleshooter.Conversations;

/// <summary>
/// Work a channel accepted and acknowledged, to be done in the background: look the call up, run the rules,
/// send the reply. <see cref="Channel"/> picks the <see cref="IWorkHandler"/>; <see cref="Payload"/> is what it
/// needs, as JSON so that a durable queue can keep it.
/// </summary>
public sealed record WorkItem(string Id, string Channel, string Kind, JsonObject Payload)
{
    /// <summary>Not before this time (a delayed re-check); null for now.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    public int Attempt { get; init; }
}

public interface IWorkQueue
{
    ValueTask EnqueueAsync(WorkItem item, CancellationToken ct);
}

/// <summary>Does the work of one channel (Slack, Teams).</summary>
public interface IWorkHandler
{
    string Channel { get; }

    Task HandleAsync(WorkItem item, CancellationToken ct);
}

/// <summary>An in-process queue: work waiting here is lost if the process stops (see the durable outbox).</summary>
internal sealed class InMemoryWorkQueue(TimeProvider time) : IWorkQueue
{
    private readonly Channel<WorkItem> _ready = System.Threading.Channels.Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = false });

    public ChannelReader<WorkItem> Reader => _ready.Reader;

    public async ValueTask EnqueueAsync(WorkItem item, CancellationToken ct)
    {
        var wait = item.NotBefore is { } notBefore ? notBefore - time.GetUtcNow() : TimeSpan.Zero;
        if (wait <= TimeSpan.Zero)
        {
            await _ready.Writer.WriteAsync(item, ct);
            return;
        }

        // A delayed item: a timer puts it on the queue when due.
        ITimer? timer = null;
        timer = time.CreateTimer(_ =>
        {
            _ready.Writer.TryWrite(item);
            timer?.Dispose();
        }, null, wait, Timeout.InfiniteTimeSpan);
    }
}

/// <summary>Drains the queue with a few workers; a failing item is retried with backoff, then dropped with an error log.</summary>
internal sealed class WorkProcessor(
    InMemoryWorkQueue queue,
    IEnumerable<IWorkHandler> handlers,
    TimeProvider time,
    ILogger<WorkProcessor> logger) : BackgroundService
{
    private const int Workers = 8;
    private const int MaxAttempts = 4;

    private readonly Dictionary<string, IWorkHandler> _handlers = handlers.ToDictionary(h => h.Channel, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _running = new(StringComparer.Ordinal);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => RunAsync(stoppingToken)));

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var item in queue.Reader.ReadAllAsync(ct))
            {
                await ProcessAsync(item, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task ProcessAsync(WorkItem item, CancellationToken ct)
    {
        if (!_handlers.TryGetValue(item.Channel, out var handler) || !_running.TryAdd(item.Id, 0))
        {
            return;
        }

        try
        {
            await handler.HandleAsync(item, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            if (item.Attempt + 1 >= MaxAttempts)
            {
                logger.LogError(e, "Work {Id} ({Channel}/{Kind}) failed {Attempts} times; giving up.", item.Id, item.Channel, item.Kind, item.Attempt + 1);
            }
            else
            {
                var delay = TimeSpan.FromSeconds(Math.Pow(2, item.Attempt + 1));
                logger.LogWarning(e, "Work {Id} ({Channel}/{Kind}) failed; retrying in {Delay}.", item.Id, item.Channel, item.Kind, delay);
                await queue.EnqueueAsync(item with { Attempt = item.Attempt + 1, NotBefore = time.GetUtcNow() + delay }, ct);
            }
        }
        finally
        {
            _running.TryRemove(item.Id, out _);
        }
    }
}
