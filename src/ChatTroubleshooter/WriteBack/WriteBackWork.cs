using System.Globalization;
using System.Text.Json.Serialization;
using ChatTroubleshooter.Json;
using ChatTroubleshooter.Outbox;

namespace ChatTroubleshooter.WriteBack;

/// <summary>Write a confirmed diagnosis onto its call: tags, a comment, or both.</summary>
/// <param name="Tags">The tags to add (<c>no-recording:&lt;cause-id&gt;</c>), none when tags are off.</param>
/// <param name="Comment">The comment to post, in the company's language; null when comments are off.</param>
public sealed record WriteBackWork(long CallId, string DiagnosisId, IReadOnlyList<string> Tags, string? Comment) : Work
{
    /// <summary>The item id and dedupe key of a call's one write-back.</summary>
    public static string KeyOf(long callId) => string.Create(CultureInfo.InvariantCulture, $"aircall:write-back:{callId}");
}

/// <summary>Tags added to a call: adding them again leaves one of each.</summary>
public sealed record CallTagsDelivery(long CallId, IReadOnlyList<string> Tags) : Delivery
{
    public override bool Repeatable => true;
}

/// <summary>The bot's one comment on a call; it names the diagnosis, so a retry can tell whether it is there already.</summary>
public sealed record CallCommentDelivery(long CallId, string DiagnosisId, string Content) : Delivery;

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WriteBackWork))]
[JsonSerializable(typeof(CallTagsDelivery))]
[JsonSerializable(typeof(CallCommentDelivery))]
internal sealed partial class WriteBackStoredJson : JsonSerializerContext;

public static class WriteBackStoredTypes
{
    /// <summary>The write-back's stored kinds, under their discriminators (part of the stored JSON: never renamed).</summary>
    public static IServiceCollection AddWriteBackStoredTypes(this IServiceCollection services) => services
        .AddStoredType<Work, WriteBackWork>("aircall.write-back", WriteBackStoredJson.Default)
        .AddStoredType<Delivery, CallTagsDelivery>("aircall.call-tags", WriteBackStoredJson.Default)
        .AddStoredType<Delivery, CallCommentDelivery>("aircall.call-comment", WriteBackStoredJson.Default);
}
