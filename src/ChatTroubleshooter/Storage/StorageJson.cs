using System.Text.Json.Serialization;
using ChatTroubleshooter.Conversations;

namespace ChatTroubleshooter.Storage;

/// <summary>
/// The feedback and diagnosis records as the durable stores keep them: source-generated, with the default (PascalCase)
/// names they were stored with before.
/// </summary>
[JsonSerializable(typeof(FeedbackRecord))]
[JsonSerializable(typeof(DiagnosisRecord))]
internal sealed partial class StorageJson : JsonSerializerContext;
