using System.Text.Json.Nodes;
using ChatTroubleshooter.Diagnostics.Extraction;
using ChatTroubleshooter.Diagnostics.Texts;

namespace ChatTroubleshooter.Slack;

/// <summary>
/// "Why no recording?" as Slack shortcuts (the manifest declares both): on a message (<c>message_action</c>), the message's
/// call ids, links or description are diagnosed in its thread; from anywhere (a global <c>shortcut</c>), a modal asks for
/// a call id or link, or a description, and where to answer. The modal's input is checked when it is submitted: what is
/// wrong is said on its field (<c>response_action: errors</c>), never a silent failure.
/// </summary>
internal static class SlackShortcuts
{
    public const string MessageCallbackId = "why_no_recording";
    public const string GlobalCallbackId = "why_no_recording_modal";
    public const string ModalCallbackId = "norecording_modal";

    public const string CallBlock = "call";
    public const string DescriptionBlock = "description";
    public const string WhereBlock = "where";

    /// <summary>A call reference or a description: the longest a field takes (Slack's own limit is 3,000).</summary>
    private const int MaxInput = 2000;

    /// <summary>The modal, in <paramref name="language"/> (kept in its private metadata for the errors on submission).</summary>
    public static JsonObject Modal(TextCatalog texts, string language) => new()
    {
        ["type"] = "modal",
        ["callback_id"] = ModalCallbackId,
        ["private_metadata"] = language,
        ["title"] = PlainText(texts.Get(language, TextKeys.ModalTitle)),
        ["submit"] = PlainText(texts.Get(language, TextKeys.ModalSubmit)),
        ["close"] = PlainText(texts.Get(language, TextKeys.ModalClose)),
        ["blocks"] = new JsonArray(
            new JsonObject
            {
                ["type"] = "input",
                ["block_id"] = CallBlock,
                ["optional"] = true,
                ["label"] = PlainText(texts.Get(language, TextKeys.ModalCallLabel)),
                ["hint"] = PlainText(texts.Get(language, TextKeys.ModalCallHint)),
                ["element"] = new JsonObject { ["type"] = "plain_text_input", ["action_id"] = CallBlock, ["max_length"] = MaxInput },
            },
            new JsonObject
            {
                ["type"] = "input",
                ["block_id"] = DescriptionBlock,
                ["optional"] = true,
                ["label"] = PlainText(texts.Get(language, TextKeys.ModalDescriptionLabel)),
                ["element"] = new JsonObject
                {
                    ["type"] = "plain_text_input",
                    ["action_id"] = DescriptionBlock,
                    ["multiline"] = true,
                    ["max_length"] = MaxInput,
                    ["placeholder"] = PlainText(texts.Get(language, TextKeys.ModalDescriptionPlaceholder)),
                },
            },
            new JsonObject
            {
                ["type"] = "input",
                ["block_id"] = WhereBlock,
                ["label"] = PlainText(texts.Get(language, TextKeys.ModalWhereLabel)),
                ["element"] = new JsonObject
                {
                    ["type"] = "conversations_select",
                    ["action_id"] = WhereBlock,
                    ["default_to_current_conversation"] = true,
                    ["response_url_enabled"] = true,
                },
            }),
    };

    /// <summary>
    /// A submitted modal: the text to diagnose and where to answer, or the errors to show on its fields (in the language
    /// the modal was opened in).
    /// </summary>
    public static (string? Text, SlackResponseUrl? Where, JsonObject? Errors) Read(SlackInteraction submission, TextCatalog texts)
    {
        var language = Languages.FromLocale(submission.View?.PrivateMetadata) ?? Languages.Default;
        var values = submission.View?.State?.Values;
        var call = Value(values, CallBlock)?.Trim() ?? "";
        var description = Value(values, DescriptionBlock)?.Trim() ?? "";
        var errors = new JsonObject();
        if (call.Length == 0 && description.Length == 0)
        {
            errors[CallBlock] = texts.Get(language, TextKeys.ModalErrorEmpty);
        }
        else if (call.Length > 0 && CallReference.FindCallId(call) is null)
        {
            errors[CallBlock] = texts.Get(language, TextKeys.ModalErrorCall);
        }

        var where = submission.ResponseUrls?.FirstOrDefault(r => r is { BlockId: WhereBlock, ChannelId: { } channel, ResponseUrl: { Length: > 0 } }
            && SlackIds.IsId(channel));
        if (where is null)
        {
            errors[WhereBlock] = texts.Get(language, TextKeys.ModalErrorWhere);
        }

        return errors.Count > 0
            ? (null, null, new JsonObject { ["response_action"] = "errors", ["errors"] = errors })
            : (string.Join('\n', new[] { call, description }.Where(t => t.Length > 0)), where, null);
    }

    private static string? Value(IReadOnlyDictionary<string, IReadOnlyDictionary<string, SlackInput>>? values, string block) =>
        values is not null && values.TryGetValue(block, out var actions) && actions is not null && actions.TryGetValue(block, out var input) ? input?.Value : null;

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text };
}
