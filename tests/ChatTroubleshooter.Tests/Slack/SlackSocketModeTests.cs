using System.Net;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace ChatTroubleshooter.Tests.Slack;

/// <summary>
/// Issue 21: the Slack scenarios over Socket Mode (inherited), and what only Socket Mode has: acks, two connections,
/// Slack asking for a new connection, dropped sockets, a disabled link or a refused token. The bot has no signing secret.
/// </summary>
public sealed class SlackSocketModeTests() : SlackScenarios(SlackWay.SocketMode)
{
    private SlackSocketModeFake Fake => Ingress.Socket!;

    private static JsonObject Command(string text) => new()
    {
        ["team_id"] = "T111",
        ["channel_id"] = "C111",
        ["user_id"] = "W111",
        ["command"] = "/norecording",
        ["text"] = text,
        ["response_url"] = "https://hooks.slack.com/commands/T111/111/xxxxx",
    };

    private async Task<HttpResponseMessage> ReadyzAsync() => await Ingress.Client.GetAsync("/readyz", Ct);

    [Fact]
    public async Task EveryEnvelope_IsAcknowledgedWithinSlacks3Seconds_OnceStored()
    {
        var command = await Fake.SendAsync("slash_commands", Command("1000004"));
        var mention = JsonNode.Parse(TestData.Read("slack/event_app_mention.json"))!;
        var evt = await Fake.SendAsync("events_api", mention);
        // A global shortcut: nothing for the bot, acknowledged all the same (else Slack sends it again).
        var shortcut = await Fake.SendAsync("interactive", JsonNode.Parse(TestData.Read("slack/socket_mode_interactive_shortcut.json"))!["payload"]!);

        foreach (var id in new[] { command, evt, shortcut })
        {
            await Fake.AckedAsync(id); // throws after 3 s
        }

        await _app.WaitForAsync(IsResponseUrl);
        await _app.DrainAsync();
        Assert.Single(_app.Slack.Requests, IsResponseUrl);
        Assert.Single(_app.Slack.Requests, r => Is(r, "chat.postMessage"));
        Assert.All(Fake.AckCounts.Values, n => Assert.Equal(1, n));
        Assert.Equal(HttpStatusCode.OK, (await ReadyzAsync()).StatusCode);
    }

    [Fact]
    public async Task TheSameEnvelope_OnTwoConnections_IsAnsweredOnce()
    {
        var connections = await Fake.OpenConnectionsAsync(2);
        var id = Guid.NewGuid().ToString();

        await Fake.SendAsync("slash_commands", Command("1000004"), connections[0], id);
        await Fake.SendAsync("slash_commands", Command("1000004"), connections[1], id);
        // The same event (event_id) in two envelopes, one on each connection.
        var mention = TestData.Read("slack/event_app_mention.json");
        var first = await Fake.SendAsync("events_api", JsonNode.Parse(mention)!, connections[0]);
        var second = await Fake.SendAsync("events_api", JsonNode.Parse(mention)!, connections[1], retryAttempt: 1);
        await Fake.AckedAsync(first);
        await Fake.AckedAsync(second);
        await _app.WaitForAsync(IsResponseUrl);
        await Ingress.SentinelAsync();

        Assert.Equal(2, Fake.AckCounts[id]);
        Assert.Equal(2, _app.Slack.Requests.Count(IsResponseUrl)); // the command once, and the sentinel
        Assert.Single(_app.Slack.Requests, r => Is(r, "chat.postMessage"));
    }

    [Fact]
    public async Task RefreshRequested_OpensANewConnectionBeforeClosingTheOld_AndLosesNothing()
    {
        var old = (await Fake.OpenConnectionsAsync(2))[0];

        // An envelope on its way when Slack asks for a new connection: acknowledged on the old one before it closes.
        var during = await Fake.SendAsync("slash_commands", Command("1000004"), old);
        await old.SendAsync(TestData.Read("slack/socket_mode_disconnect_refresh_requested.json"));
        Assert.Same(old, await Fake.AckedAsync(during));
        var successor = await WaitAsync(() => Fake.Connections.Skip(2).FirstOrDefault());
        await WaitAsync(() => old.ClosedAt);
        var after = await Fake.SendAsync("slash_commands", Command("1000006"), successor);
        await Fake.AckedAsync(after);
        await _app.WaitForAsync(IsResponseUrl, count: 2);
        await _app.DrainAsync();

        Assert.True(successor.OpenedAt <= old.ClosedAt, "the new connection opened before the old one closed");
        Assert.True(old.ClosedByBot);
        Assert.False(successor.IsClosed);
        Assert.Equal(2, _app.Slack.Requests.Count(IsResponseUrl));
        Assert.Equal(2, (await Fake.OpenConnectionsAsync(2)).Length);
    }

    [Fact]
    public async Task ADroppedSocket_IsReconnectedWithBackoff_AndItsUnacknowledgedEnvelopeIsAnsweredOnce()
    {
        var dropped = (await Fake.OpenConnectionsAsync(2))[0];
        var opensBefore = Fake.Opens;

        // Its ack is lost with the connection: for Slack the envelope was never acknowledged.
        dropped.LosesAcks = true;
        var id = await Fake.SendAsync("slash_commands", Command("1000004"), dropped);
        await _app.WaitForAsync(IsResponseUrl);
        dropped.Drop();
        // Slack sends what was not acknowledged again on a connection opened after (retry_attempt 1).
        var ackedOn = await Fake.AckedAsync(id, seconds: 15);
        await Ingress.SentinelAsync();

        Assert.NotSame(dropped, ackedOn);
        Assert.True(Fake.Opens > opensBefore);
        Assert.Equal(2, _app.Slack.Requests.Count(IsResponseUrl)); // the command once, and the sentinel
        Assert.Contains(_app.Logs.Entries, e => e.Message.Contains("dropped; reconnecting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASilentConnection_NoPongWithinTwiceThePingInterval_IsReplaced()
    {
        await using var slack = await SlackIngress.StartAsync(SlackWay.SocketMode, new() { ["Slack:SocketKeepAlive"] = "00:00:00.300" });
        var fake = slack.Socket!;
        await fake.OpenConnectionsAsync(2);

        // The network path dies quietly: the TCP connections stay up, but neither data nor pongs come back.
        fake.SilenceOpenConnections();
        await WaitAsync(() => fake.Connections.Count >= 4 ? "replaced" : null);
        var id = await fake.SendAsync("slash_commands", Command("1000004"), fake.Connections.Last());
        await fake.AckedAsync(id);

        Assert.Contains(slack.App.Logs.Entries, e => e.Message.Contains("dropped; reconnecting", StringComparison.Ordinal));
        Assert.Single(await slack.App.WaitForAsync(IsResponseUrl));
    }

    [Fact]
    public async Task LinkDisabled_StopsEveryConnection_WithoutRetrying_AndReadyzSaysWhy()
    {
        var connections = await Fake.OpenConnectionsAsync(2);

        await connections[0].SendAsync(TestData.Read("slack/socket_mode_disconnect_link_disabled.json"));
        await WaitAsync(() => Fake.Connections.All(c => c.IsClosed) ? "closed" : null);
        var opens = Fake.Opens;
        // Every connection loop has ended: nothing is left that could reconnect (no sleep needed to see it).
        var status = _app.Services.GetRequiredService<ChatTroubleshooter.Slack.SocketMode.SocketModeStatus>();
        await WaitAsync(() => status.Slots == 0 ? "stopped" : null);

        var readyz = await ReadyzAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyz.StatusCode);
        Assert.Contains("link_disabled", await readyz.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(opens, Fake.Opens);
        Assert.Single(_app.Logs.Entries, e => e.Message.StartsWith("Slack Socket Mode stopped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARefusedAppToken_StopsWithoutRetrying_AndReadyzSaysWhy()
    {
        await using var fake = await SlackSocketModeFake.StartAsync();
        fake.OpenError = "invalid_auth";
        await using var app = new BotApp(new Dictionary<string, string?>
        {
            ["Slack:AppToken"] = SlackSocketModeFake.AppToken,
            ["Slack:ApiBaseUrl"] = fake.ApiBaseUrl,
            ["Slack:SigningSecret"] = "",
        });
        using var client = app.CreateClient();

        var said = await WaitAsync(async () => await client.GetAsync("/readyz", Ct) is { StatusCode: HttpStatusCode.ServiceUnavailable } r
            && await r.Content.ReadAsStringAsync(Ct) is var body && body.Contains("invalid_auth", StringComparison.Ordinal) ? body : null);
        // Every connection loop has ended: nothing is left that could try again.
        var status = app.Services.GetRequiredService<ChatTroubleshooter.Slack.SocketMode.SocketModeStatus>();
        await WaitAsync(() => status.Slots == 0 ? "stopped" : null);

        Assert.Contains("xapp-", said, StringComparison.Ordinal);
        Assert.InRange(fake.Opens, 1, 2); // one try per connection slot, then never again
        Assert.Empty(fake.Connections);
    }

    [Fact]
    public async Task AnInvalidModal_IsAnsweredInTheAcknowledgement_WithTheErrorOnItsField()
    {
        var submission = JsonNode.Parse(TestData.Read("slack/view_submission.json"))!.AsObject();
        submission["view"]!["callback_id"] = "norecording_modal";
        submission["view"]!["private_metadata"] = "de";
        submission["view"]!["state"] = new JsonObject { ["values"] = new JsonObject() };

        var id = await Fake.SendAsync("interactive", submission);
        await Fake.AckedAsync(id);

        var payload = Fake.AckPayloads[id]!;
        Assert.Equal("errors", (string?)payload["response_action"]);
        Assert.Equal("Geben Sie eine Anruf-ID oder einen Link ein, oder beschreiben Sie den Anruf unten.", (string?)payload["errors"]!["call"]);
    }

    [Fact]
    public async Task TheHttpEndpoints_StillRefuseEveryRequest_WhileSocketModeRunsWithoutASigningSecret()
    {
        var response = await Ingress.Client.SendAsync(BotApp.Signed("/slack/commands", SlackRequests.SlashCommandBody("1000004"), SlackRequests.Form), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ReadyzAsync()).StatusCode);
    }

    /// <summary>Polls (bounded, 15 s) until <paramref name="probe"/> gives something.</summary>
    private static async Task<T> WaitAsync<T>(Func<T?> probe)
        where T : class => await WaitAsync(() => Task.FromResult(probe()));

    private static async Task<DateTime> WaitAsync(Func<DateTime?> probe) =>
        (await WaitAsync(() => Task.FromResult(probe() is { } at ? (object)at : null)) as DateTime?)!.Value;

    private static async Task<T> WaitAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting.");
            await Task.Delay(20, Ct);
        }
    }
}
