using System.Text.Json;
using System.Text.Json.Serialization;
using ChatTroubleshooter.Conversations;

namespace ChatTroubleshooter.Cards;

/// <summary>
/// What a button carries back when clicked: the Slack button's <c>value</c> (as JSON text, ≤ 2,000 characters) and
/// the Teams action's <c>data</c> (as a JSON object) are this one record, written by <see cref="ButtonValues"/> and
/// read back by it, nowhere else. <c>verb</c> says which kind it is; <see cref="ApplyTo"/> says what a click on it asks,
/// the same on every channel.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "verb")]
[JsonDerivedType(typeof(AnswerButton), AnswerButton.Verb)]
[JsonDerivedType(typeof(FeedbackButton), FeedbackButton.Verb)]
[JsonDerivedType(typeof(RestartButton), RestartButton.Verb)]
[JsonDerivedType(typeof(SummaryButton), SummaryButton.Verb)]
[JsonDerivedType(typeof(DraftButton), DraftButton.Verb)]
[JsonDerivedType(typeof(DiagnosisButton), DiagnosisButton.Verb)]
[JsonDerivedType(typeof(MuteButton), MuteButton.Verb)]
[JsonDerivedType(typeof(InvestigateButton), InvestigateButton.Verb)]
[JsonDerivedType(typeof(DiagnoseCallButton), DiagnoseCallButton.Verb)]
[JsonDerivedType(typeof(CancelAuditButton), CancelAuditButton.Verb)]
public abstract record ButtonValue
{
    /// <summary>
    /// The turn a click on this button is: <paramref name="here"/> (who clicked, where; keyed by that place) with what the
    /// button asks. Buttons of a question carry their conversation's key instead.
    /// </summary>
    public abstract Turn ApplyTo(Turn here);
}

/// <summary>An option of a question: which conversation (where it lives and which one), which fact, which value.</summary>
public sealed record AnswerButton(string ConversationKey, string ConversationId, string FactId, string Value) : ButtonValue
{
    public const string Verb = "answer";

    public override Turn ApplyTo(Turn here) => here with { ConversationKey = ConversationKey, Intent = new Answer(ConversationId, FactId, Value) };
}

/// <summary>"Solved" / "Not solved" on a diagnosis.</summary>
public sealed record FeedbackButton(string DiagnosisId, bool Helpful) : ButtonValue
{
    public const string Verb = "feedback";

    public override Turn ApplyTo(Turn here) => here with { Intent = new FeedbackClick(DiagnosisId, Helpful) };
}

/// <summary>"Start over" on a question: ends that conversation.</summary>
public sealed record RestartButton(string ConversationKey) : ButtonValue
{
    public const string Verb = "restart";

    public override Turn ApplyTo(Turn here) => here with { ConversationKey = ConversationKey, Intent = new Restart() };
}

/// <summary>Slack's "Copy summary" on a diagnosis: its support-ticket summary, posted privately.</summary>
public sealed record SummaryButton(string DiagnosisId) : ButtonValue
{
    public const string Verb = "summary";

    public override Turn ApplyTo(Turn here) => here with { Intent = new SummaryRequest(DiagnosisId) };
}

/// <summary>"Draft for the customer" on a diagnosis (no language: the customer's default), or a language on a draft.</summary>
public sealed record DraftButton(string DiagnosisId, string? Language) : ButtonValue
{
    public const string Verb = "draft";

    public override Turn ApplyTo(Turn here) => here with { Intent = new DraftRequest(DiagnosisId, Language) };
}

/// <summary>"Back to the diagnosis" on a draft (Teams, where the draft replaced the card).</summary>
public sealed record DiagnosisButton(string DiagnosisId) : ButtonValue
{
    public const string Verb = "diagnosis";

    public override Turn ApplyTo(Turn here) => here with { Intent = new ShowDiagnosis(DiagnosisId) };
}

/// <summary>"Expected" on an alert: mutes that number's alerts for 24 hours.</summary>
public sealed record MuteButton(string DiagnosisId, long NumberId, string NumberName) : ButtonValue
{
    public const string Verb = "mute";

    // Said in the alert's thread, for everyone there: who muted it.
    public override Turn ApplyTo(Turn here) => here with { Intent = new Alerts.MuteRequest(DiagnosisId, NumberId, NumberName), ReplyInThread = true };
}

/// <summary>"Investigate" on an alert: a conversation about that call in the alert's thread.</summary>
public sealed record InvestigateButton(string DiagnosisId, string CallId) : ButtonValue
{
    public const string Verb = "investigate";

    public override Turn ApplyTo(Turn here) => here with
    {
        Intent = new Alerts.Investigate(DiagnosisId, CallId),
        ConversationKey = here.Thread is { } thread ? Turn.ThreadKey(here.Place, thread) : here.ConversationKey,
        ReplyInThread = true,
    };
}

/// <summary>"Diagnose" on a link's status (an unfurl): the usual conversation about that call, in the message's thread.</summary>
public sealed record DiagnoseCallButton(string CallId) : ButtonValue
{
    public const string Verb = "diagnose-call";

    public override Turn ApplyTo(Turn here) => here with
    {
        Text = CallId,
        ConversationKey = here.Thread is { } thread ? Turn.ThreadKey(here.Place, thread) : here.ConversationKey,
        ReplyInThread = true,
    };
}

/// <summary>Cancel on an audit's progress message.</summary>
public sealed record CancelAuditButton(string AuditId) : ButtonValue
{
    public const string Verb = "cancel-audit";

    public override Turn ApplyTo(Turn here) => here with { Intent = new Audit.CancelAudit(AuditId) };
}

// Strict: every field of the record present and non-null, the verb anywhere in the object (Teams may reorder data).
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true,
    AllowOutOfOrderMetadataProperties = true)]
[JsonSerializable(typeof(ButtonValue))]
internal sealed partial class ButtonValueJson : JsonSerializerContext;

/// <summary>The one place button values are written and read.</summary>
public static class ButtonValues
{
    /// <summary>For a Slack button's <c>value</c>.</summary>
    public static string ToText(ButtonValue value) => JsonSerializer.Serialize(value, ButtonValueJson.Default.ButtonValue);

    /// <summary>For a Teams action's <c>data</c>.</summary>
    public static System.Text.Json.Nodes.JsonObject ToJson(ButtonValue value) =>
        JsonSerializer.SerializeToNode(value, ButtonValueJson.Default.ButtonValue)!.AsObject();

    /// <summary>A Slack button's value read back; null when it is not one of ours (or was tampered with).</summary>
    public static ButtonValue? Read(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(text, ButtonValueJson.Default.ButtonValue);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>A Teams action's data read back; null when it is not one of ours.</summary>
    public static ButtonValue? Read(JsonElement? data)
    {
        if (data is not { ValueKind: JsonValueKind.Object } element)
        {
            return null;
        }

        try
        {
            return element.Deserialize(ButtonValueJson.Default.ButtonValue);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            return null;
        }
    }
}
