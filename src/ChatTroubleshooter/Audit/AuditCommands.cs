using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Diagnostics;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Diagnostics.Texts;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Audit;

/// <summary>Cancel on an audit's progress message.</summary>
public sealed record CancelAudit(string AuditId) : Intent;

/// <summary>
/// The audits' side of a conversation: <c>audit number …</c> / <c>audit user …</c> read and checked (a clear message for
/// bad input), the audit registered where it was asked and handed to the channel to start (<see cref="TurnOutcome.Then"/>);
/// Cancel honoured there only.
/// </summary>
internal sealed class AuditCommands(
    Knowledge knowledge, IAuditStore audits, Admins admins, TurnLanguage languages, IOptions<AuditOptions> options, TimeProvider time)
    : ITurnCommand, IIntentHandler
{
    private readonly ReplyComposer _composer = new(knowledge);

    public async Task<TurnOutcome?> TryAsync(Turn turn, string text, string language, CancellationToken ct) =>
        AuditCommand.IsAudit(text) ? await StartAsync(turn, text.Trim(), languages.For(turn, null), ct) : null;

    public bool Handles(Intent intent) => intent is CancelAudit;

    /// <summary>Cancel on an audit's message: honoured where the audit was asked only.</summary>
    public async Task<TurnOutcome> HandleAsync(Turn turn, Converse converse, CancellationToken ct) =>
        await audits.CancelAsync(((CancelAudit)turn.Intent).AuditId, turn.Place, ct)
            ? Say(languages.For(turn, null), TextKeys.AuditCancelling)
            : Say(languages.For(turn, null), TextKeys.ErrorExpired);

    private async Task<TurnOutcome> StartAsync(Turn turn, string text, string language, CancellationToken ct)
    {
        var parse = AuditCommand.Parse(text, time.GetUtcNow());
        if (parse.Request is not { } request)
        {
            return Say(language, parse.ErrorKey!, [.. parse.Args.Select(a => (a.Key, a.Value))]);
        }

        if (options.Value.AdminOnly && !admins.IsAdmin(turn.Channel, turn.UserId))
        {
            return Say(language, TextKeys.AuditRefused);
        }

        if (turn.Reachable is not { } target)
        {
            return Say(language, TextKeys.AuditNotHere);
        }

        var auditId = Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
        await audits.RegisterAsync(auditId, turn.Place, ct);
        var work = new AuditWork(auditId, request, target, turn.Place, language, new AuditState());
        var (subject, period) = AuditResult.Describe(request, request.Subject.Given, knowledge.Texts, language);
        return Say(language, TextKeys.AuditStarted, ("subject", subject), ("period", period)) with { Then = work };
    }

    private TurnOutcome Say(string language, string key, params (string Name, string Value)[] args) =>
        new(_composer.Message(language, MessageKind.Info, key, args));
}
