using System.Globalization;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Diagnostics;
using ChatTroubleshooter.Diagnostics.Evaluation;
using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Diagnostics.Texts;
using ChatTroubleshooter.Outbox;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.WriteBack;

/// <summary>
/// After a confirmed diagnosis of a call (a conversation's or an alert's), queues its write-back onto the call, once per
/// call: the first confirmed diagnosis is written, a later one (the same causes or others) replaces nothing and says so
/// in the log. The reply says what will be written ("Tagged on the call in Aircall").
/// </summary>
internal sealed class WriteBackFollower(IWorkQueue queue, Knowledge knowledge, IOptions<WriteBackOptions> options, ILogger<WriteBackFollower> logger)
    : IDiagnosisFollower
{
    public const string TagPrefix = "no-recording:";

    private readonly ReplyComposer _composer = new(knowledge);

    public async Task<IReadOnlyList<Evidence>> FollowAsync(DiagnosisGiven given, CancellationToken ct)
    {
        var targets = options.Value.WriteBack;
        var reply = given.Reply;
        if (targets == WriteBackTargets.None || reply.Kind != DiagnosisKind.Confirmed
            || !long.TryParse(reply.CallId, NumberStyles.None, CultureInfo.InvariantCulture, out var callId) || callId <= 0)
        {
            return [];
        }

        var causes = reply.ConfirmedCauseIds;
        string[] tags = targets.HasFlag(WriteBackTargets.Tags) ? [.. causes.Select(c => TagPrefix + c)] : [];
        var comment = targets.HasFlag(WriteBackTargets.Comments) ? Comment(given) : null;
        var key = WriteBackWork.KeyOf(callId);
        try
        {
            if (!await queue.EnqueueOnceAsync(new WorkItem(key, new WriteBackWork(callId, reply.DiagnosisId, tags, comment)), key, options.Value.WriteBackMemory, ct))
            {
                logger.LogInformation("Call {CallId} already has a diagnosis written onto it by the bot; diagnosis {DiagnosisId} ({Causes}) replaces nothing.",
                    callId, reply.DiagnosisId, string.Join(',', causes));
                return [];
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning("Diagnosis {DiagnosisId} could not be queued for writing onto call {CallId} ({Error}); it is answered all the same.",
                reply.DiagnosisId, callId, e.GetType().Name);
            return [];
        }

        var tagList = string.Join(", ", tags);
        return
        [
            targets switch
            {
                WriteBackTargets.Both => Evidence.Of(TextKeys.NoticeWrittenBoth, ("tag", tagList)),
                WriteBackTargets.Tags => Evidence.Of(TextKeys.NoticeWrittenTag, ("tag", tagList)),
                _ => Evidence.Of(TextKeys.NoticeWrittenComment),
            },
        ];
    }

    /// <summary>
    /// The comment, in the company's language whatever the user's: the confirmed causes and their evidence told again
    /// from the same facts, who asked, and the diagnosis id (how a retry recognises it).
    /// </summary>
    private string Comment(DiagnosisGiven given)
    {
        var language = options.Value.WriteBackLanguage;
        var diagnosis = new Diagnosis(DiagnosisKind.Confirmed, Evaluator.AssessAll(knowledge.Rules, given.Facts));
        var told = _composer.Diagnosis(diagnosis, given.Facts, language, given.Reply.DiagnosisId, given.Reply.CallId);
        var who = given.AskedBy is { } by
            ? string.Create(CultureInfo.InvariantCulture, $"{by} ({given.Channel})")
            : knowledge.Texts.Get(language, TextKeys.WriteBackWhoAlert);
        return knowledge.Texts.Get(language, TextKeys.WriteBackComment,
            ("causes", string.Join("; ", told.Causes.Select(c => c.Title))),
            ("evidence", string.Join(" ", told.Causes.SelectMany(c => c.Evidence).Distinct(StringComparer.Ordinal))),
            ("who", who),
            ("id", given.Reply.DiagnosisId));
    }
}
