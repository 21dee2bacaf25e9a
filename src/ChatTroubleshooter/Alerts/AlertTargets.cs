using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatTroubleshooter.Alerts;

/// <summary>
/// Where alerts can be sent without anyone asking: what a channel adapter knows about the place a turn came from (set
/// on <see cref="Conversations.Turn.Reachable"/>), kept by a subscription (<c>alerts here</c>). Stored as JSON: renaming
/// a discriminator leaves stored subscriptions unreadable.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(SlackAlertTarget), "slack")]
[JsonDerivedType(typeof(TeamsAlertTarget), "teams")]
public abstract record AlertTarget;

/// <summary>A Slack channel (or DM) the bot posts to with <c>chat.postMessage</c>.</summary>
public sealed record SlackAlertTarget(string ChannelId) : AlertTarget;

/// <summary>
/// A Teams conversation reference, as the Bot Connector needs it for a proactive message: the service URL and the
/// conversation (for a channel, the channel's own id, without a thread's <c>;messageid=</c>), in its tenant.
/// </summary>
public sealed record TeamsAlertTarget(string ServiceUrl, string ConversationId, string? TenantId, bool IsChannel) : AlertTarget;

/// <summary>A place an admin asked alerts to go to: which, who asked, since when, and in which language they are written.</summary>
public sealed record AlertSubscription(string Place, AlertTarget Target, string By, DateTimeOffset Since, string Language);

/// <summary>The stored JSON of subscriptions: source-generated and strict, like the outbox's.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(AlertSubscription))]
internal sealed partial class AlertSubscriptionJson : JsonSerializerContext
{
    public static string Write(AlertSubscription subscription) => JsonSerializer.Serialize(subscription, Default.AlertSubscription);

    /// <summary>A stored subscription, or null when it cannot be read (left out of the list, never a crash).</summary>
    public static AlertSubscription? Read(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, Default.AlertSubscription);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }
}
