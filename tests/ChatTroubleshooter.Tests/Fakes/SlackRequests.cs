using System.Text.Json.Nodes;
using System.Web;

namespace ChatTroubleshooter.Tests.Fakes;

/// <summary>Slack requests built from Slack's own SDK fixtures and really signed (see <see cref="BotApp.Signed"/>).</summary>
internal static class SlackRequests
{
    public const string Form = "application/x-www-form-urlencoded";

    /// <summary>The bolt-python slash command fixture, turned into /norecording with our text, as a form body.</summary>
    public static string SlashCommandBody(string text, string user = "W111", string channel = "C111")
    {
        var form = HttpUtility.ParseQueryString(TestData.Read("slack/slash_command_bolt_python.form.txt"));
        form["command"] = "/norecording";
        form["text"] = text;
        form["user_id"] = user;
        form["channel_id"] = channel;
        return form.ToString()!;
    }

    public static HttpRequestMessage SlashCommand(string text) => BotApp.Signed("/slack/commands", SlashCommandBody(text), Form);

    /// <summary>
    /// A block_actions click on <paramref name="button"/> (a button from a message the bot posted): on the fixture's
    /// ephemeral message, or with <paramref name="messageTs"/> on a message posted in the channel.
    /// </summary>
    public static HttpRequestMessage Click(
        JsonObject button, string user = "W111", string team = "T111", string channel = "C111", string? messageTs = null, string? userName = null) =>
        BotApp.Signed("/slack/interactions", "payload=" + Uri.EscapeDataString(ClickPayload(button, user, team, channel, messageTs, userName)), Form);

    /// <summary>The block_actions payload of <see cref="Click"/>, as JSON (what a Socket Mode <c>interactive</c> envelope carries).</summary>
    public static string ClickPayload(
        JsonObject button, string user = "W111", string team = "T111", string channel = "C111", string? messageTs = null, string? userName = null)
    {
        var payload = JsonNode.Parse(TestData.Read("slack/block_actions_with_state.json"))!.AsObject();
        payload["user"]!["id"] = user;
        if (userName is not null)
        {
            payload["user"]!["name"] = userName;
        }

        payload["team"]!["id"] = team;
        payload["channel"]!["id"] = channel;
        payload["container"]!["channel_id"] = channel;
        if (messageTs is not null)
        {
            payload["container"]!["message_ts"] = messageTs;
            payload["container"]!["is_ephemeral"] = false;
            payload["message"] = new JsonObject { ["ts"] = messageTs };
        }
        payload["actions"] = new JsonArray(new JsonObject
        {
            ["action_id"] = (string?)button["action_id"],
            ["block_id"] = "actions",
            ["type"] = "button",
            ["value"] = (string?)button["value"],
            ["action_ts"] = "1606455407.603639",
        });
        return payload.ToJsonString();
    }
}

/// <summary>Every string value in a JSON document, in document order.</summary>
internal static class JsonTexts
{
    public static IEnumerable<string> All(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => All(p.Value)),
        JsonArray a => a.SelectMany(All),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };

    public static string Joined(JsonNode? node) => string.Join("\n", All(node));
}
