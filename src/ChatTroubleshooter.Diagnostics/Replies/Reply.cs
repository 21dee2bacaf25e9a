using ChatTroubleshooter.Diagnostics.Evaluation;

namespace ChatTroubleshooter.Diagnostics.Replies;

/// <summary>
/// What the bot says, channel-neutral and already in the conversation's language. Channels render it
/// (Block Kit, Adaptive Cards, the terminal) without adding text of their own.
/// </summary>
[System.Text.Json.Serialization.JsonPolymorphic(TypeDiscriminatorPropertyName = "$kind")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(QuestionReply), "question")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(DiagnosisReply), "diagnosis")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(HelpReply), "help")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(MessageReply), "message")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(NotReadyReply), "not-ready")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(StatsReply), "stats")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(SummaryReply), "summary")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(DraftReply), "draft")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(AuditReply), "audit")]
public abstract record Reply(string Language)
{
    /// <summary>Short remarks shown before the main content ("call lookup is not set up here…").</summary>
    public IReadOnlyList<string> Notices { get; init; } = [];
}

public sealed record ReplyOption(string Value, string Label);

/// <summary>A question about one fact; each option's <see cref="ReplyOption.Value"/> is the wire value to send back.</summary>
public sealed record QuestionReply(
    string Language,
    string ConversationId,
    int Number,
    string FactId,
    string Progress,
    string Text,
    IReadOnlyList<ReplyOption> Options) : Reply(Language)
{
    /// <summary>Where the conversation lives (set by the conversation core), so a click can find it again.</summary>
    public string ConversationKey { get; init; } = "";
}

public sealed record ReplyLink(string Text, string Url);

public sealed record ReplyCause(
    string Id,
    CauseStatus Status,
    string Title,
    string Explanation,
    IReadOnlyList<string> Evidence,
    IReadOnlyList<string> Steps,
    IReadOnlyList<ReplyLink> Links);

/// <summary>
/// A diagnosis: the confirmed causes (or the possible ones, or none), with the evidence, fix steps and links,
/// what was ruled out, and an escalation summary ready to paste into a support ticket.
/// </summary>
public sealed record DiagnosisReply(
    string Language,
    string DiagnosisId,
    DiagnosisKind Kind,
    string Title,
    string? Intro,
    string? CallLabel,
    IReadOnlyList<ReplyCause> Causes,
    string CheckedTitle,
    IReadOnlyList<string> Checked,
    string EvidenceTitle,
    string StepsTitle,
    string EscalationTitle,
    string Escalation) : Reply(Language)
{
    /// <summary>The cause ids this diagnosis reports as confirmed (never a cause that was not confirmed).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> ConfirmedCauseIds =>
        Causes.Where(c => c.Status == CauseStatus.Confirmed).Select(c => c.Id).ToArray();

    /// <summary>Set once the user gave feedback: the buttons give way to <see cref="FeedbackThanks"/>.</summary>
    public string? FeedbackThanks { get; init; }

    /// <summary>Shows the escalation summary even for a confirmed diagnosis ("Not solved", "Still stuck?").</summary>
    public bool Escalated { get; init; }

    /// <summary>Set on a proactive alert: the call and number its "Expected" and "Investigate" buttons act on.</summary>
    public AlertSource? Alert { get; init; }

    /// <summary>The Aircall call diagnosed, when the diagnosis is about one (a call id or link was given, or an alert).</summary>
    public string? CallId { get; init; }

    /// <summary>The cause ids this diagnosis leaves possible (a possible diagnosis; none when causes are confirmed).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> PossibleCauseIds =>
        Causes.Where(c => c.Status == CauseStatus.Possible).Select(c => c.Id).ToArray();
}

/// <summary>Statistics for admins: a title and a plain-text table.</summary>
/// <summary>
/// What the agent can send the customer about a diagnosis, in <see cref="Reply.Language"/> (the customer's, which may
/// differ from the agent's): plain text with <c>{customer name}</c> and <c>{agent name}</c> left for the agent.
/// </summary>
public sealed record DraftReply(string Language, string DiagnosisId, string Title, string Text) : Reply(Language);

/// <summary>A diagnosis's summary for a support ticket, on its own (Slack's "Copy summary" posts it privately).</summary>
public sealed record SummaryReply(string Language, string Title, string Text) : Reply(Language);

public sealed record StatsReply(string Language, string Title, string Table) : Reply(Language);

/// <summary>
/// A bulk audit: its progress (with a Cancel button while it runs) or its result: a title, the findings as lines, and
/// when it finished, a chart and a CSV of the calls without a recording at links that expire.
/// </summary>
public sealed record AuditReply(string Language, string AuditId, string Title, IReadOnlyList<string> Lines, bool Running) : Reply(Language)
{
    public string? ChartUrl { get; init; }

    public string? CsvUrl { get; init; }
}

public sealed record HelpReply(string Language, string Title, string Body, IReadOnlyList<string> Examples) : Reply(Language);

public enum MessageKind
{
    Info,
    Error,
}

public sealed record MessageReply(string Language, MessageKind Kind, string Text) : Reply(Language);

/// <summary>The call's recording may not exist yet; the bot looks again after <see cref="RecheckAfter"/> and answers then.</summary>
public sealed record NotReadyReply(string Language, string CallId, string Text, TimeSpan RecheckAfter) : Reply(Language);

/// <summary>
/// A call's recording status, as a link to it shows it (a Slack unfurl, a Teams link preview): what the call was, then
/// whether it has a recording, and if not the causes its data confirms or leaves possible (the same rules), with the
/// call's dashboard link and a way to diagnose it.
/// </summary>
/// <param name="Summary">The call in one sentence: direction, number, agent, when, talk time.</param>
/// <param name="Status">"Recorded.", or no recording and why.</param>
/// <param name="Kind">The data-only diagnosis's kind; null when the call has a recording.</param>
public sealed record CallStatusReply(
    string Language,
    string CallId,
    string Title,
    string Summary,
    bool Recorded,
    string Status,
    DiagnosisKind? Kind,
    IReadOnlyList<string> ConfirmedCauses,
    IReadOnlyList<string> PossibleCauses,
    string DashboardUrl,
    string OpenLabel,
    string DiagnoseLabel) : Reply(Language);

/// <summary>What a proactive alert is about: the call to investigate, the number to mute.</summary>
public sealed record AlertSource(string CallId, long? NumberId, string NumberName);
