using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Observability;
using ChatTroubleshooter.Outbox;

namespace ChatTroubleshooter.WriteBack;

/// <summary>
/// Writes a diagnosis onto its call in Aircall, with bulk priority (after every user's lookup): the tags (adding a tag
/// twice leaves one), then the comment. Never two comments from the bot on a call: the plan looks at the call's comments
/// first (Aircall caps them per call), and a comment whose answer was lost is looked for before it is sent again.
/// Aircall's refusals (401/403: a key that may not write; 429) are logged once per call and the write is retried by
/// the outbox within its limits; a 400/422 or a call that is gone is not retried.
/// </summary>
internal sealed partial class WriteBackHandler(AircallClient aircall, AircallTags tags, ILogger<WriteBackHandler> logger) : IWorkHandler
{
    internal static readonly CallRequester Requester = new("aircall:write-back", CallPriority.Bulk);

    /// <summary>Refusals already logged, by call and what (bounded: cleared when it grows past a day's worth).</summary>
    private readonly ConcurrentDictionary<string, byte> _refusalsLogged = new(StringComparer.Ordinal);

    public string Name => "Aircall";

    public bool Handles(Work work) => work is WriteBackWork;

    public async Task<IReadOnlyList<Delivery>> PlanAsync(WorkItem item, CancellationToken ct)
    {
        var work = (WriteBackWork)item.Work;
        var plan = new List<Delivery>(2);
        if (work.Tags.Count > 0)
        {
            plan.Add(new CallTagsDelivery(work.CallId, work.Tags));
        }

        if (work.Comment is { } comment)
        {
            if (await BotCommentsAsync(work.CallId, ct) is not { } comments)
            {
                logger.LogInformation("Call {CallId} is not in Aircall any more: diagnosis {DiagnosisId} is not written onto it.", work.CallId, work.DiagnosisId);
                return [];
            }

            if (comments.Count > 0)
            {
                logger.LogInformation("Call {CallId} already has a comment from the bot; diagnosis {DiagnosisId} adds none.", work.CallId, work.DiagnosisId);
            }
            else
            {
                plan.Add(new CallCommentDelivery(work.CallId, work.DiagnosisId, comment));
            }
        }

        return plan;
    }

    public async Task DeliverAsync(Delivery delivery, CancellationToken ct)
    {
        switch (delivery)
        {
            case CallTagsDelivery tagged:
            {
                var (status, ids) = await tags.IdsAsync(tagged.Tags, Requester, ct);
                if (status == AircallWrite.Done)
                {
                    status = await aircall.TagCallAsync(tagged.CallId, ids, Requester, ct);
                }

                Outcome(status, "tag", tagged.CallId);
                break;
            }

            case CallCommentDelivery comment:
                Outcome(await aircall.CommentAsync(comment.CallId, comment.Content, Requester, ct), "comment", comment.CallId);
                break;

            default:
                throw new InvalidOperationException($"Not a write-back delivery: {delivery.GetType().Name}.");
        }
    }

    /// <summary>A comment whose answer was lost is there when the call's comments name its diagnosis.</summary>
    public async Task<bool?> FindSentAsync(Delivery delivery, CancellationToken ct) => delivery switch
    {
        CallCommentDelivery comment => await BotCommentsAsync(comment.CallId, ct) is { } comments
            && comments.Any(c => c.Contains(comment.DiagnosisId, StringComparison.Ordinal)),
        _ => null,
    };

    /// <summary>The bot's comments on the call (fresh from Aircall); null when the call does not exist.</summary>
    private async Task<IReadOnlyList<string>?> BotCommentsAsync(long callId, CancellationToken ct)
    {
        var call = await aircall.GetCallAsync(callId, Requester, ct, fresh: true);
        return call.Status switch
        {
            AircallStatus.Ok => [.. (call.Value!.Comments ?? []).Select(c => c.Content ?? "").Where(IsBotComment)],
            AircallStatus.NotFound => null,
            // Retried by the outbox (Aircall down or refusing: said in the log by the client).
            _ => throw new HttpRequestException($"Aircall answered {call.Status} for call {callId}.", null, HttpStatusCode.ServiceUnavailable),
        };
    }

    /// <summary>The bot's comments end with its name and a diagnosis id (a UUID in hex), in every language.</summary>
    internal static bool IsBotComment(string content) => content.Contains("ChatTroubleshooter", StringComparison.Ordinal) && DiagnosisId().IsMatch(content);

    private void Outcome(AircallWrite status, string what, long callId)
    {
        BotMetrics.WriteBacks.Add(1, new KeyValuePair<string, object?>("what", what), new KeyValuePair<string, object?>("outcome", status.ToString()));
        switch (status)
        {
            case AircallWrite.Done:
                return;

            case AircallWrite.NotFound:
                logger.LogInformation("Call {CallId} is not in Aircall any more: its {What} is not written.", callId, what);
                return;

            case AircallWrite.Invalid:
                logger.LogWarning("Aircall did not accept the {What} for call {CallId} (400/422); it is not written.", what, callId);
                return;

            case AircallWrite.Refused:
                if (FirstRefusal(callId, what))
                {
                    logger.LogWarning("Aircall refused to write the {What} onto call {CallId} (401/403): the API key needs write access to calls, or set Aircall__WriteBack=none. The outbox tries again within its limits.",
                        what, callId);
                }

                throw new HttpRequestException($"Aircall refused the {what} for call {callId}.", null, HttpStatusCode.Forbidden);

            case AircallWrite.TryLater:
                if (FirstRefusal(callId, what))
                {
                    logger.LogWarning("Aircall is rate limiting: the {What} for call {CallId} waits for the outbox's next attempt.", what, callId);
                }

                throw new HttpRequestException($"Aircall is rate limiting the {what} for call {callId}.", null, HttpStatusCode.TooManyRequests);

            default:
                // No answer: it may have been written; a comment is looked for before it is sent again.
                throw new HttpRequestException(string.Create(CultureInfo.InvariantCulture, $"Aircall did not answer the {what} for call {callId}."));
        }
    }

    private bool FirstRefusal(long callId, string what)
    {
        if (_refusalsLogged.Count > 10_000)
        {
            _refusalsLogged.Clear();
        }

        return _refusalsLogged.TryAdd(string.Create(CultureInfo.InvariantCulture, $"{callId}:{what}"), 0);
    }

    [GeneratedRegex("[0-9a-f]{32}")]
    private static partial Regex DiagnosisId();
}
