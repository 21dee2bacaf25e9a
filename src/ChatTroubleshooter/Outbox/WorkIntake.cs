using Microsoft.Extensions.Options;
using ChatTroubleshooter.Http;

namespace ChatTroubleshooter.Outbox;

/// <summary>
/// The one store write an acknowledgement waits for: the accepted work (with its dedupe key) stored within a budget
/// (<c>Outbox:AckBudget</c>, 2 s). Slack gives an ack 3 s and treats a slower one as a timeout; when the store is down
/// or too slow, a 503 at once is honest and lets the platform retry, where a 500 after 6 s was neither.
/// </summary>
internal sealed class WorkIntake(IWorkQueue queue, IOptions<OutboxOptions> options, StoreHealth health, TimeProvider time, RefusedRequestLog refused)
{
    public enum Outcome
    {
        Accepted,
        Duplicate,
        Unavailable,
    }

    /// <summary>What an endpoint answers when the work could not be stored: 503, retry in a second.</summary>
    public static IResult Unavailable(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "1";
        return Results.Text("The bot's store is not answering; try again shortly.", statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>The ack for an outcome: 200 (accepted, or a duplicate), or 503 when the work could not be stored.</summary>
    public static IResult Ack(HttpContext http, Outcome outcome) => outcome is Outcome.Unavailable ? Unavailable(http) : Results.Ok();

    public Task<Outcome> AcceptAsync(WorkItem item, string source, CancellationToken ct) =>
        WithinBudgetAsync(async () =>
        {
            await queue.EnqueueAsync(item, ct);
            return Outcome.Accepted;
        }, source, ct);

    /// <summary>Accepts the item unless its dedupe key was seen within <paramref name="window"/>.</summary>
    public Task<Outcome> AcceptOnceAsync(WorkItem item, string dedupeKey, TimeSpan window, string source, CancellationToken ct) =>
        WithinBudgetAsync(async () => await queue.EnqueueOnceAsync(item, dedupeKey, window, ct) ? Outcome.Accepted : Outcome.Duplicate, source, ct);

    private async Task<Outcome> WithinBudgetAsync(Func<Task<Outcome>> write, string source, CancellationToken ct)
    {
        var budget = options.Value.AckBudget;
        try
        {
            var outcome = await write().WaitAsync(budget, time, ct);
            health.Succeeded();
            return outcome;
        }
        catch (TimeoutException)
        {
            health.Failed($"a write took longer than {budget.TotalSeconds:0.#} s");
            refused.Refused(source, $"the store did not answer within {budget.TotalSeconds:0.#} s (503)");
            return Outcome.Unavailable;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            health.Failed(e.GetType().Name);
            refused.Refused(source, $"the store failed ({e.GetType().Name}: {FirstLine(e.Message)}) (503)");
            return Outcome.Unavailable;
        }
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim() is var line && line.Length > 160 ? line[..160] + "…" : line;
}

/// <summary>Whether the store's writes are failing, from the writes themselves (acks, claims); for <c>/readyz</c>.</summary>
internal sealed class StoreHealth(TimeProvider time)
{
    /// <summary>Swapped whole (no lock): every ack reports a success, and that must cost a write, not a lock.</summary>
    private volatile Failing? _failing;

    public void Succeeded() => _failing = null;

    /// <summary>Keeps when the failures began; the last error wins (two failing at once may race on it, harmlessly).</summary>
    public void Failed(string error) => _failing = new Failing(_failing?.Since ?? time.GetUtcNow(), error);

    /// <summary>Null while writes succeed; else since when they fail, and the last error.</summary>
    public (DateTimeOffset Since, string Error)? Failure => _failing is { } f ? (f.Since, f.Error) : null;

    private sealed record Failing(DateTimeOffset Since, string Error);
}
