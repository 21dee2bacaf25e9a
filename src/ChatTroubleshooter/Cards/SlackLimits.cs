using System.Text.Json.Nodes;

namespace ChatTroubleshooter.Cards;

/// <summary>
/// Block Kit limits (Slack "Reference: blocks"): at most 50 blocks, section text 3,000 characters, header 150,
/// button text 75, button value 2,000, action_id 255. Texts over a limit are cut at a line break where possible
/// and end with "…"; a cut code block is closed again.
/// </summary>
internal static class SlackLimits
{
    public const int MaxBlocks = 50;
    public const int MaxSectionText = 3000;
    public const int MaxHeaderText = 150;
    public const int MaxButtonText = 75;
    public const int MaxButtonValue = 2000;
    public const int MaxActionId = 255;

    public static JsonObject Apply(JsonObject message)
    {
        if (message["blocks"] is not JsonArray blocks)
        {
            return message;
        }

        foreach (var block in blocks.OfType<JsonObject>())
        {
            switch ((string?)block["type"])
            {
                case "header":
                    Cut(block["text"], MaxHeaderText);
                    break;
                case "section":
                    Cut(block["text"], MaxSectionText);
                    break;
                case "context":
                    foreach (var element in (block["elements"] as JsonArray ?? []).OfType<JsonObject>())
                    {
                        Cut(element, MaxSectionText);
                    }

                    break;
                case "actions":
                    foreach (var button in (block["elements"] as JsonArray ?? []).OfType<JsonObject>())
                    {
                        Cut(button["text"], MaxButtonText);
                        if (((string?)button["value"])?.Length > MaxButtonValue || ((string?)button["action_id"])?.Length > MaxActionId)
                        {
                            throw new InvalidOperationException("A Slack button value or action_id is over Slack's limit.");
                        }
                    }

                    break;
            }
        }

        if (blocks.Count > MaxBlocks)
        {
            // Keep the closing actions (feedback buttons) and say that something was left out.
            var last = blocks[^1]!;
            blocks.RemoveAt(blocks.Count - 1);
            while (blocks.Count > MaxBlocks - 2)
            {
                blocks.RemoveAt(blocks.Count - 1);
            }

            blocks.Add(new JsonObject { ["type"] = "context", ["elements"] = new JsonArray(new JsonObject { ["type"] = "plain_text", ["text"] = "…" }) });
            blocks.Add(last);
        }

        return message;
    }

    private static void Cut(JsonNode? textObject, int max)
    {
        if (textObject is not JsonObject obj || (string?)obj["text"] is not { } text || text.Length <= max)
        {
            return;
        }

        var closesCode = text.EndsWith("```", StringComparison.Ordinal);
        var room = max - 1 - (closesCode ? 3 : 0);
        var cut = text.LastIndexOf('\n', room - 1);
        var end = cut >= room * 4 / 5 ? cut : room;
        // Never cut inside an entity such as "&amp;".
        var amp = text.LastIndexOf('&', end - 1);
        if (amp >= 0 && amp > end - 5 && text.IndexOf(';', amp) >= end)
        {
            end = amp;
        }

        obj["text"] = text[..end] + "…" + (closesCode ? "```" : "");
    }
}
