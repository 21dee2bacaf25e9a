using System.Net.WebSockets;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Tests.Fakes;
using Microsoft.Extensions.Logging;

namespace ChatTroubleshooter.Tests.Fuzz;

/// <summary>
/// Issue 21: malformed Socket Mode messages (Slack's envelopes with fields of the wrong type, missing or null, broken
/// JSON and UTF-8, deep nesting, huge messages) on the bot's own WebSockets. Not one may leave an exception or an error
/// in the log; a connection the bot had to give up (invalid UTF-8 closes a WebSocket) is reopened, and the bot still
/// answers normally after. Seeded like the endpoint fuzz test.
/// </summary>
[Collection(nameof(EndpointFuzzTests))]
public sealed class SocketModeFuzzTests
{
    private const int Messages = 3_000;
    private const int Seed = 20261202;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly JsonObject[] Envelopes =
    [
        Envelope("slack/socket_mode_slash_commands.json", p =>
        {
            p["command"] = "/norecording";
            p["text"] = "1000004";
        }),
        Envelope("slack/socket_mode_events_api.json", p => p["event"]!["text"] = "<@U111> 1000006"),
        Envelope("slack/socket_mode_interactive_shortcut.json", _ => { }),
        Envelope("slack/socket_mode_interactive_shortcut.json", p =>
        {
            var click = JsonNode.Parse(SlackRequests.ClickPayload(new JsonObject { ["action_id"] = "restart", ["value"] = "x" }))!;
            p.ReplaceWith(click);
        }),
    ];

    private static JsonObject Envelope(string fixture, Action<JsonObject> change)
    {
        var envelope = JsonNode.Parse(TestData.Read(fixture))!.AsObject();
        change(envelope["payload"]!.AsObject());
        return envelope;
    }

    [Fact]
    public async Task MalformedEnvelopes_NeverLeaveAnErrorInTheLog_AndTheBotStillAnswers()
    {
        await using var slack = await SlackIngress.StartAsync(SlackWay.SocketMode);
        var fake = slack.Socket!;
        var random = new Random(Seed);

        for (var i = 0; i < Messages; i++)
        {
            // A new envelope id each (else all but the first of each fixture would only be duplicates).
            var envelope = Envelopes[random.Next(Envelopes.Length)].DeepClone().AsObject();
            envelope["envelope_id"] = $"fuzz-{i}";
            var body = EndpointFuzzTests.JsonBody(random, [envelope]);
            var connection = (await fake.OpenConnectionsAsync(1))[^1];
            try
            {
                await connection.SendRawAsync(body);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The bot closed it (invalid UTF-8 in a text message): it opens another.
            }
        }

        await fake.OpenConnectionsAsync(2, seconds: 30);
        await slack.App.DrainAsync(timeoutSeconds: 60);

        Assert.DoesNotContain(slack.App.Logs.Entries, e => e.Exception is not null || e.Level >= LogLevel.Error);
        var ready = JsonNode.Parse(await slack.Client.GetStringAsync("/readyz", Ct))!;
        Assert.Equal("Healthy", (string?)ready["status"]);
        var answered = slack.App.Slack.Requests.Count(r => r.RequestUri!.Host == "hooks.slack.com");
        Assert.True((await slack.CommandAsync(SlackRequests.SlashCommandBody("1000004"))).Acknowledged);
        var replies = await slack.App.WaitForAsync(r => r.RequestUri!.Host == "hooks.slack.com", count: answered + 1);
        Assert.Contains(replies, r => slack.App.Slack.Body(r).Contains("cause:too-short", StringComparison.Ordinal));
        // Many were read and acknowledged; what was queued on a connection the bot had to close is lost to it (Slack
        // sends those again on the next connection; the fuzz test does not).
        Assert.True(fake.AckCounts.Values.Sum() > Messages / 10, $"{fake.AckCounts.Values.Sum()} envelopes acknowledged on {fake.Connections.Count} connections");
        TestContext.Current.TestOutputHelper?.WriteLine($"{Messages} messages; {fake.Connections.Count} connections opened; {fake.AckCounts.Values.Sum()} envelopes acknowledged");
    }
}
