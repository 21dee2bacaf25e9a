using System.Text.Json;
using System.Text.RegularExpressions;
using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Outbox;
using ChatTroubleshooter.Places;

namespace ChatTroubleshooter.Teams;

/// <summary>
/// What one activity asks of the bot: work to accept (the answer follows through the Connector), a card click to answer
/// within its invoke, nothing, or a refusal (a 400 with a short reason, or an invoke's error).
/// </summary>
internal abstract record TeamsInbound
{
    /// <summary>Work to store before acknowledging; with <see cref="OnceKey"/>, only the first delivery of it within <see cref="Window"/>.</summary>
    public sealed record Work(WorkItem Item, string? OnceKey = null, TimeSpan Window = default) : TeamsInbound;

    /// <summary>An Action.Execute click: the turn it is, answered within the invoke (the card it replaces).</summary>
    public sealed record CardAction(TeamsConversation To, Turn Turn, string? ReplyToId) : TeamsInbound;

    /// <summary>Nothing for the bot (another activity type, a click on something not ours).</summary>
    public sealed record Nothing : TeamsInbound
    {
        public static readonly Nothing Instance = new();
    }

    /// <summary>Unreadable: the reason, for the 400.</summary>
    public sealed record Refused(string Reason) : TeamsInbound;

    /// <summary>A link of the app's domains pasted in the compose box (<c>composeExtension/queryLink</c>): its preview, answered within the invoke.</summary>
    public sealed record LinkQuery(string Url, string? Locale) : TeamsInbound;

    /// <summary>An invoke the bot does not answer: its error, in the invoke's shape, with that HTTP status when <see cref="AsHttpStatus"/>.</summary>
    public sealed record InvokeRefused(int Status, string Code, string Message, bool AsHttpStatus) : TeamsInbound;
}

/// <summary>
/// Reads a Bot Framework activity into typed work, once, at the edge: a message, an Action.Submit's data, an
/// Action.Execute invoke, the install events. The token was checked by <see cref="TeamsAuthentication"/>; the activity's
/// own claims (service URL, channel) by the endpoint.
/// </summary>
internal sealed partial class TeamsInboundReader(TimeProvider time)
{
    public const string CardActionInvoke = "adaptiveCard/action";
    public const string QueryLinkInvoke = "composeExtension/queryLink";
    public const string SubmitActionInvoke = "composeExtension/submitAction";

    /// <summary>The message action's command id (the manifest's <c>composeExtensions[0].commands[0].id</c>).</summary>
    public const string WhyNoRecordingCommand = "whyNoRecording";

    /// <summary>The longest conversation, tenant or user id accepted.</summary>
    private const int MaxIdLength = 512;

    public TeamsInbound Read(Activity activity)
    {
        if (activity.Type is not { } type)
        {
            return new TeamsInbound.Refused("An activity needs a type.");
        }

        if (activity is not { ServiceUrl: { } serviceUrl, Conversation.Id: { } conversationId })
        {
            return type is "message" or "invoke" ? new TeamsInbound.Refused("A message or invoke needs serviceUrl and conversation.id.") : TeamsInbound.Nothing.Instance;
        }

        if (conversationId.Length > MaxIdLength || activity.Conversation.TenantId?.Length > MaxIdLength || activity.From?.Id?.Length > MaxIdLength)
        {
            // Real ids are GUIDs and thread ids of about 100 characters; a longer one would ride in every button of every reply.
            return new TeamsInbound.Refused($"conversation.id, conversation.tenantId and from.id are at most {MaxIdLength} characters.");
        }

        var visibility = activity.Conversation.ConversationType is "channel" or "groupChat" ? Visibility.Shared : Visibility.Private;
        var to = new TeamsConversation(serviceUrl, conversationId, visibility) { TenantId = activity.Conversation.TenantId, Type = activity.Conversation.ConversationType };
        if (type is "message" or "invoke" && activity.From?.Id is null)
        {
            return new TeamsInbound.Refused("A message or invoke needs from.id.");
        }

        return type switch
        {
            "message" => Message(activity, to),
            "invoke" when activity.Name == CardActionInvoke => CardAction(activity, to),
            "invoke" when activity.Name == QueryLinkInvoke => QueryLink(activity),
            "invoke" when activity.Name == SubmitActionInvoke => SubmitAction(activity, to),
            // Bot Framework's ActivityHandler answers 501 here; a 4xx says the same ("not this bot's") without counting
            // as a server failure in anyone's monitoring.
            "invoke" => new TeamsInbound.InvokeRefused(StatusCodes.Status400BadRequest, "NotSupported", $"This bot does not handle {activity.Name ?? "this"} invokes.", AsHttpStatus: true),
            // Teams sends both on install: welcome once per conversation.
            "conversationUpdate" when activity.MembersAdded?.Any(m => m?.Id is { } member && member == activity.Recipient?.Id) == true => Welcome(activity, to),
            "installationUpdate" when activity.Action is "add" or "add-upgrade" => Welcome(activity, to),
            _ => TeamsInbound.Nothing.Instance,
        };
    }

    private TeamsInbound Message(Activity activity, TeamsConversation to)
    {
        var user = activity.From!.Id!;
        if (activity.Value is { ValueKind: JsonValueKind.Object } && string.IsNullOrWhiteSpace(activity.Text))
        {
            // Action.Submit (the fallback of our Action.Execute buttons): the value is the button's data.
            return ButtonValues.Read(activity.Value) is { } value
                ? new TeamsInbound.Work(WorkItem.Accepted(
                    new TeamsSubmitWork(to, user, activity.UserLocale, value, activity.ReplyToId, activity.Id ?? activity.ReplyToId) { UserName = UserName(activity) }, time))
                : TeamsInbound.Nothing.Instance;
        }

        var message = WorkItem.Accepted(new TeamsMessageWork(to, user, activity.UserLocale, StripMention(activity), activity.Id ?? activity.ReplyToId) { UserName = UserName(activity) }, time);
        return activity.Id is { } id
            ? new TeamsInbound.Work(message, $"teams:activity:{TeamsWorkHandler.ConversationKey(to)}:{id}", TimeSpan.FromHours(1))
            : new TeamsInbound.Work(message);
    }

    private static TeamsInbound CardAction(Activity activity, TeamsConversation to)
    {
        var invoke = ValueOf(activity, TeamsJson.Default.CardActionInvokeValue);

        if (invoke?.Action is not { Type: "Action.Execute" } action)
        {
            return new TeamsInbound.InvokeRefused(StatusCodes.Status400BadRequest, "BadRequest", "Expected an Action.Execute.", AsHttpStatus: false);
        }

        var here = TeamsWorkHandler.Turn(to, TeamsWorkHandler.ConversationKey(to), activity.From!.Id!, activity.UserLocale) with { UserName = UserName(activity) };
        return ButtonValues.Read(action.Data)?.ApplyTo(here) is { } turn
            ? new TeamsInbound.CardAction(to, turn, activity.Id ?? activity.ReplyToId)
            : new TeamsInbound.InvokeRefused(StatusCodes.Status400BadRequest, "BadRequest", "The action's data is not one of this bot's buttons.", AsHttpStatus: false);
    }

    private static TeamsInbound QueryLink(Activity activity)
    {
        var value = ValueOf(activity, TeamsJson.Default.QueryLinkValue);

        return value?.Url is { Length: > 0 and <= 2000 } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
            ? new TeamsInbound.LinkQuery(url, activity.UserLocale)
            : new TeamsInbound.InvokeRefused(StatusCodes.Status400BadRequest, "BadRequest", "A queryLink invoke needs an https url.", AsHttpStatus: false);
    }

    /// <summary>
    /// "Why no recording?" on a message (<c>composeExtension/submitAction</c>): that message's text (and what the user
    /// added), answered in reply to it, for everyone there, as a mention would be. The invoke's own answer is empty: the
    /// dialog closes, the diagnosis follows in the conversation.
    /// </summary>
    private TeamsInbound SubmitAction(Activity activity, TeamsConversation to)
    {
        var value = ValueOf(activity, TeamsJson.Default.SubmitActionValue);

        if (value is not { CommandId: WhyNoRecordingCommand, MessagePayload: { } message })
        {
            return new TeamsInbound.InvokeRefused(StatusCodes.Status400BadRequest, "BadRequest", "Expected the whyNoRecording action on a message.", AsHttpStatus: false);
        }

        var added = value.Data is { ValueKind: JsonValueKind.Object } data && data.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.String
            ? details.GetString()
            : null;
        var text = string.Join('\n', new[] { PlainText(message.Body), added?.Trim() }.Where(t => !string.IsNullOrEmpty(t)));
        var work = new TeamsMessageWork(to, activity.From!.Id!, activity.UserLocale, text.Length <= MaxText ? text : text[..MaxText], message.Id ?? activity.ReplyToId)
        {
            UserName = UserName(activity),
        };
        var item = WorkItem.Accepted(work, time);
        return activity.Id is { } id
            ? new TeamsInbound.Work(item, $"teams:activity:{TeamsWorkHandler.ConversationKey(to)}:{id}", TimeSpan.FromHours(1))
            : new TeamsInbound.Work(item);
    }

    /// <summary>An invoke's <c>value</c> as <typeparamref name="T"/>; null when it has none, or one of another shape.</summary>
    private static T? ValueOf<T>(Activity activity, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return activity.Value?.Deserialize(type);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The longest message text a message action passes on.</summary>
    private const int MaxText = 4000;

    /// <summary>
    /// A Teams message body as text: a link's address kept after its text (a pasted call link often shows as "this
    /// call"), other HTML tags dropped, entities decoded, white space collapsed.
    /// </summary>
    internal static string PlainText(MessageBody? body)
    {
        var content = body?.Content ?? "";
        if (body?.ContentType is "html")
        {
            content = System.Net.WebUtility.HtmlDecode(HtmlTag().Replace(Anchor().Replace(content, "$2 $1"), " "));
        }

        return WhiteSpace().Replace(content, " ").Trim();
    }

    [System.Text.RegularExpressions.GeneratedRegex("""<a\b[^>]*?\bhref\s*=\s*["']([^"']*)["'][^>]*>(.*?)</a>""", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex Anchor();

    [System.Text.RegularExpressions.GeneratedRegex("<[^>]*>")]
    private static partial System.Text.RegularExpressions.Regex HtmlTag();

    [System.Text.RegularExpressions.GeneratedRegex(@"\s+")]
    private static partial System.Text.RegularExpressions.Regex WhiteSpace();

    private TeamsInbound Welcome(Activity activity, TeamsConversation to) =>
        new TeamsInbound.Work(WorkItem.Accepted(new TeamsWelcomeWork(to, activity.UserLocale), time), $"teams:welcome:{TeamsWorkHandler.ConversationKey(to)}", TimeSpan.FromMinutes(10));

    /// <summary>The user's display name, as far as a reply needs it ("muted by …"): at most 100 characters.</summary>
    private static string? UserName(Activity activity) => activity.From?.Name is { Length: > 100 } name ? name[..100] : activity.From?.Name;

    /// <summary>Removes the bot's own mention: entities of type mention whose id is the recipient (Bot Framework's RemoveMentionText).</summary>
    internal static string StripMention(Activity activity)
    {
        var text = activity.Text ?? "";
        var bot = activity.Recipient?.Id;
        foreach (var entity in activity.Entities ?? [])
        {
            if (entity is null || !string.Equals(entity.Type, "mention", StringComparison.OrdinalIgnoreCase) || entity.Mentioned?.Id != bot)
            {
                continue;
            }

            var mention = entity.Text ?? $"<at>{entity.Mentioned?.Name}</at>";
            text = Regex.Replace(text, Regex.Escape(mention), "", RegexOptions.IgnoreCase);
        }

        return text.Trim();
    }
}
