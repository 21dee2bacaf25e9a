using System.Text.Json.Nodes;
using ChatTroubleshooter.Diagnostics;
using ChatTroubleshooter.Diagnostics.Replies;

namespace ChatTroubleshooter.Cards;

public enum CardChannel
{
    Teams,
    Slack,
}

/// <summary>
/// Renders replies with the templates in <c>cards/teams</c> (Adaptive Cards 1.5) and <c>cards/slack</c>
/// (Block Kit). All templates are loaded and checked when the renderer is created (at start-up).
/// </summary>
public sealed class CardRenderer
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";

    private static readonly string[] Kinds = ["question", "question-answered", "diagnosis", "help", "not-ready", "message", "stats", "summary", "draft", "audit", "link-status"];

    private readonly Knowledge _knowledge;
    private readonly Dictionary<(CardChannel, string), CardTemplate> _templates = [];

    public CardRenderer(Knowledge knowledge, string? directory = null)
    {
        _knowledge = knowledge;
        directory ??= Path.Combine(AppContext.BaseDirectory, "cards");
        var errors = new List<string>();
        foreach (var channel in Enum.GetValues<CardChannel>())
        {
            foreach (var kind in Kinds)
            {
                var path = Path.Combine(directory, channel.ToString().ToLowerInvariant(), kind + ".json");
                try
                {
                    _templates[(channel, kind)] = CardTemplate.Parse($"{channel}/{kind}", File.ReadAllText(path));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or CardTemplateException or System.Text.Json.JsonException)
                {
                    errors.Add($"{path}: {e.Message}");
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Card templates are invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }
    }

    /// <summary>The Adaptive Card (attachment content) for a reply; <paramref name="maskPhoneNumbers"/> for a channel everyone reads.</summary>
    public JsonObject Teams(Reply reply, bool maskPhoneNumbers = false) =>
        Render(CardChannel.Teams, Kind(reply), CardData.From(reply, _knowledge.Texts), maskPhoneNumbers);

    /// <summary>A Slack message body (<c>text</c> + <c>blocks</c>) for a reply, within Block Kit limits.</summary>
    public JsonObject Slack(Reply reply, bool maskPhoneNumbers = false)
    {
        var message = Render(CardChannel.Slack, Kind(reply), CardData.From(reply, _knowledge.Texts), maskPhoneNumbers);
        // A diagnosis says what it found to other apps and workflows too: the message's metadata.
        if (DiagnosisMetadata.Of(reply) is { } metadata)
        {
            message["metadata"] = metadata.ToSlackMetadata();
        }

        return message;
    }

    /// <summary>The read-only version of an answered question, which replaces the question so it cannot be clicked twice.</summary>
    public JsonObject Answered(CardChannel channel, QuestionReply question, string value, bool maskPhoneNumbers = false) =>
        Render(channel, "question-answered", CardData.Answered(question, value, _knowledge.Texts), maskPhoneNumbers);

    public static JsonObject TeamsAttachment(JsonObject card) => new() { ["contentType"] = ContentType, ["content"] = card };

    /// <summary>
    /// One line that says what a card is about, for where a card cannot show (Teams' chat list and notifications show
    /// an activity's <c>summary</c>, else "Send a card").
    /// </summary>
    public static string Summary(Reply reply, bool maskPhoneNumbers = false)
    {
        var line = reply switch
        {
            QuestionReply q => q.Text,
            DiagnosisReply d => d.Causes.Count == 0 ? d.Title : $"{d.Title}: {d.Causes[0].Title}",
            HelpReply h => h.Title,
            NotReadyReply n => n.Text,
            StatsReply s => s.Title,
            SummaryReply su => su.Title,
            DraftReply dr => dr.Title,
            AuditReply a => a.Title,
            CallStatusReply l => $"{l.Title}: {l.Status}",
            MessageReply m => m.Text,
            _ => "",
        };
        return maskPhoneNumbers ? Conversations.PhoneNumbers.Mask(line) : line;
    }

    /// <summary>Properties that hold ids, values and URLs, not text anyone reads: never masked.</summary>
    private static readonly Dictionary<CardChannel, HashSet<string>> Machine = new()
    {
        [CardChannel.Slack] = ["value", "action_id", "block_id", "url", "image_url"],
        [CardChannel.Teams] = ["data", "url", "verb", "type", "version", "$schema"],
    };

    private JsonObject Render(CardChannel channel, string kind, JsonObject data, bool maskPhoneNumbers)
    {
        var card = _templates[(channel, kind)].Expand(data);
        // Customer phone numbers are masked in every text a channel's members read (ids, values and links keep theirs).
        if (maskPhoneNumbers)
        {
            card = JsonStrings.Map(card, Conversations.PhoneNumbers.Mask, Machine[channel])!;
        }

        return channel == CardChannel.Slack ? SlackLimits.Apply(card.AsObject()) : card.AsObject();
    }

    /// <summary>The template a reply is rendered with (<c>cards/&lt;channel&gt;/&lt;kind&gt;.json</c>).</summary>
    internal static string Kind(Reply reply) => reply switch
    {
        QuestionReply => "question",
        DiagnosisReply => "diagnosis",
        HelpReply => "help",
        NotReadyReply => "not-ready",
        StatsReply => "stats",
        SummaryReply => "summary",
        DraftReply => "draft",
        AuditReply => "audit",
        CallStatusReply => "link-status",
        _ => "message",
    };
}
