using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Diagnostics;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Storage;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Audit;

/// <summary>
/// The conversation core's side of audits: <c>audit number …</c> / <c>audit user …</c> read and checked (a clear message
/// for bad input), the audit registered where it was asked and handed to the channel to start; Cancel honoured there only.
/// </summary>
public sealed class AuditCommands(Knowledge knowledge, IAuditStore audits, StatsService stats, IOptions<AuditOptions> options, TimeProvider time)
{
    private readonly ReplyComposer _composer = new(knowledge);

    public static bool IsAudit(string text) => AuditCommand.IsAudit(text);

    public async Task<TurnOutcome> StartAsync(Turn turn, string text, string language, CancellationToken ct)
    {
        var parse = AuditCommand.Parse(text, time.GetUtcNow());
        if (parse.Request is not { } request)
        {
            return Say(language, parse.ErrorKey!, [.. parse.Args.Select(a => (a.Key, a.Value))]);
        }

        if (options.Value.AdminOnly && !stats.IsAdmin(turn.Channel, turn.UserId))
        {
            return Say(language, Diagnostics.Texts.TextKeys.AuditRefused);
        }

        if (turn.Reachable is not { } target)
        {
            return Say(language, Diagnostics.Texts.TextKeys.AuditNotHere);
        }

        var auditId = Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
        await audits.RegisterAsync(auditId, turn.Place, ct);
        var work = new AuditWork(auditId, request, target, turn.Place, language, new AuditState());
        var (subject, period) = AuditResult.Describe(request, request.Subject.Given, knowledge.Texts, language);
        return Say(language, Diagnostics.Texts.TextKeys.AuditStarted, ("subject", subject), ("period", period)) with { StartAudit = work };
    }

    /// <summary>Cancel on an audit's message: honoured where the audit was asked only.</summary>
    public async Task<TurnOutcome> CancelAsync(Turn turn, string auditId, string language, CancellationToken ct) =>
        await audits.CancelAsync(auditId, turn.Place, ct)
            ? Say(language, Diagnostics.Texts.TextKeys.AuditCancelling)
            : Say(language, Diagnostics.Texts.TextKeys.ErrorExpired);

    private TurnOutcome Say(string language, string key, params (string Name, string Value)[] args) =>
        new(_composer.Message(language, MessageKind.Info, key, args));
}
