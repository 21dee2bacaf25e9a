using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Alerts;
using ChatTroubleshooter.Outbox;
using ChatTroubleshooter.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace ChatTroubleshooter.Tests.Alerts;

/// <summary>
/// Issue 19: Aircall's webhooks → one alert per call that should have a recording and has none, in the alert channel.
/// The envelopes are the reference pack's (<c>webhook_call_created_example.json</c> with <c>event</c> and <c>data</c>
/// adapted, as its README says a <c>call.ended</c> is); Aircall and Slack are fakes.
/// </summary>
public sealed class AircallWebhookTests : IDisposable
{
    private const string Token = AlertPeers.Token;
    private const string AlertChannel = "C0ALERTS";

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("alerts-");
    private readonly AlertPeers _peers = new();
    private readonly RecordingHandler _aircall;

    public AircallWebhookTests() => _aircall = _peers.Aircall;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private BotApp App(string grace = "00:00:00", bool sqlite = false, bool tokens = true)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Alerts:SlackChannel"] = AlertChannel,
            ["Alerts:AssetsGrace"] = grace,
        };
        return _peers.App(sqlite ? AlertPeers.WithSqlite(settings, _directory) : settings, tokens);
    }

    private static JsonObject Call(int talkSeconds, string? recording = null) => AlertPeers.Call(talkSeconds, recording);

    private static JsonObject WithId(JsonObject call, long id) => AlertPeers.WithId(call, id);

    private static StringContent Webhook(string name, JsonNode data, string token = Token) => AlertPeers.Webhook(name, data, token);

    private static bool IsAlert(BotApp app, HttpRequestMessage r) =>
        r.RequestUri!.AbsolutePath == "/api/chat.postMessage" && app.Slack.Body(r).Contains($"\"channel\":\"{AlertChannel}\"", StringComparison.Ordinal);

    private static HttpRequestMessage[] Alerts(BotApp app) => app.Slack.Requests.Where(r => IsAlert(app, r)).ToArray();

    [Fact]
    public async Task AnAnswered120sCallWithoutRecording_OnANumberWithRecordingOff_IsOneAlert_WithRecordingDisabled()
    {
        using var app = App();
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(AircallWebhooks.Route, Webhook(AircallWebhooks.CallEnded, _peers.CallData), Ct)).StatusCode);
        var alert = Assert.Single(await app.WaitForAsync(r => IsAlert(app, r)));
        await app.DrainAsync();

        var body = app.Slack.Body(alert);
        Assert.Contains("cause:recording-disabled", body, StringComparison.Ordinal);
        Assert.Contains("Outgoing call 1234567 from Support, made by John Doe, 2 min of conversation: no recording.", body, StringComparison.Ordinal);
        Assert.Contains("https://dashboard.aircall.io/calls/1234567", body, StringComparison.Ordinal);
        // The buttons every diagnosis has, and at most two Aircall requests: the re-fetch and the number.
        Assert.Contains("feedback:not-solved", body, StringComparison.Ordinal);
        Assert.Equal(2, _aircall.Requests.Count);
    }

    [Fact]
    public async Task TheSameEventThreeTimes_AfterTheAssetsEvent_IsStillOneAlert()
    {
        using var app = App(grace: "00:00:01");
        using var client = app.CreateClient();

        await client.PostAsync(AircallWebhooks.Route, Webhook(AircallWebhooks.AssetsGenerated, _peers.CallData), Ct);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(AircallWebhooks.Route, Webhook(AircallWebhooks.CallEnded, _peers.CallData), Ct)).StatusCode);
        }

        await app.WaitForAsync(r => IsAlert(app, r));
        await app.DrainAsync();
        await app.SentinelAsync();

        Assert.Single(Alerts(app));
    }

    [Fact]
    public async Task ARecordingThatArrivesWithinTheGraceDelay_IsNoAlert()
    {
        using var app = App(grace: "00:00:02");
        using var client = app.CreateClient();

        await client.PostAsync(AircallWebhooks.Route, Webhook(AircallWebhooks.CallEnded, _peers.CallData), Ct);
        _peers.CallData = Call(talkSeconds: 120, recording: "https://example.test/recording.mp3");
        await app.DrainAsync();
        await app.SentinelAsync();

        Assert.Empty(Alerts(app));
        Assert.Equal(1, _aircall.Count($"/v1/calls/{AlertPeers.CallId}")); // looked at once, after the grace delay
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5 * 3600)]
    public async Task ACallNotExpectedToHaveARecording_IsNoAlert_AndNoWork(int talkSeconds)
    {
        using var app = App();
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(AircallWebhooks.Route, Webhook(AircallWebhooks.CallEnded, Call(talkSeconds)), Ct)).StatusCode);

        Assert.Equal(0, await app.Services.GetRequiredService<IWorkOutbox>().CountPendingAsync(Ct));
        await app.SentinelAsync();
        Assert.Empty(Alerts(app));
        Assert.Empty(_aircall.Requests);
    }

    [Theory]
    [InlineData("wrong-token", true)]
    [InlineData("", true)]
    [InlineData(Token, false)]
    public async Task AWrongOrMissingToken_OrNoTokenConfigured_Is401_AndNothingIsStored(string token, bool configured)
    {
        using var app = App(tokens: configured);
        using var client = app.CreateClient();

        var response = await client.PostAsync(AircallWebhooks.Route, Webhook(AircallWebhooks.CallEnded, _peers.CallData, token), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await app.Services.GetRequiredService<IWorkOutbox>().CountPendingAsync(Ct));
    }

    [Fact]
    public async Task MalformedOrOversizedBodies_Are4xx()
    {
        using var app = App();
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync(AircallWebhooks.Route, new StringContent("{not json", Encoding.UTF8, "application/json"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync(AircallWebhooks.Route, Webhook(AircallWebhooks.CallEnded, new JsonObject { ["id"] = "x" }), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.PostAsync(AircallWebhooks.Route, new StringContent(new string(' ', 100 * 1024), Encoding.UTF8, "application/json"), Ct)).StatusCode);
        // Found by the fuzz test (a 500 before): a timestamp that is no date stands for "now".
        var deleted = JsonNode.Parse(await Webhook(AircallWebhooks.NumberDeleted, new JsonObject { ["id"] = 77 }).ReadAsStringAsync(Ct))!;
        deleted["timestamp"] = 999_999_999_999_999;
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(AircallWebhooks.Route, new StringContent(deleted.ToJsonString(), Encoding.UTF8, "application/json"), Ct)).StatusCode);
        await app.DrainAsync();
        // Another event of the same webhook: acknowledged, nothing to do.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(AircallWebhooks.Route, Webhook("call.created", _peers.CallData), Ct)).StatusCode);
        Assert.Equal(0, await app.Services.GetRequiredService<IWorkOutbox>().CountPendingAsync(Ct));
    }

    /// <summary>
    /// Issue 33: an alert that reached Slack but whose answer was lost (a reset connection) is looked for before it is
    /// posted again: it carries its delivery id in its metadata, conversations.history finds it, and nothing shows twice.
    /// </summary>
    [Fact]
    public async Task AnAlertWhoseAnswerWasLost_IsFoundInTheChannel_AndNotPostedTwice()
    {
        using var app = App();
        var posted = new List<string>();
        var lost = 1;
        app.Slack
            .OnFirst(r => IsAlert(app, r), r =>
            {
                lock (posted)
                {
                    posted.Add(app.Slack.Body(r));
                }

                return Interlocked.Decrement(ref lost) >= 0
                    ? throw new HttpRequestException("Connection reset by peer", new IOException("reset"))
                    : RecordingHandler.Json("""{"ok":true,"channel":"C0ALERTS","ts":"1700000000.000100"}""");
            })
            .OnFirst(r => r.RequestUri!.AbsolutePath == "/api/conversations.history", _ =>
            {
                lock (posted)
                {
                    var messages = new JsonArray([.. posted.Select(p => (JsonNode)new JsonObject { ["ts"] = "1700000000.000100", ["metadata"] = JsonNode.Parse(p)!["metadata"]!.DeepClone() })]);
                    return RecordingHandler.Json(new JsonObject { ["ok"] = true, ["messages"] = messages }.ToJsonString());
                }
            });
        using var client = app.CreateClient();

        await client.PostAsync(AircallWebhooks.Route, Webhook(AircallWebhooks.CallEnded, _peers.CallData), Ct);
        await app.WaitForAsync(r => r.RequestUri!.AbsolutePath == "/api/conversations.history");
        await app.DrainAsync();

        var alert = JsonNode.Parse(Assert.Single(posted))!;
        // An alert is a diagnosis: its metadata is the diagnosis's (issue 34), with the delivery id in its payload.
        Assert.Equal("aircall_recording_diagnosis", (string?)alert["metadata"]!["event_type"]);
        Assert.NotNull((string?)alert["metadata"]!["event_payload"]!["delivery_id"]);
        Assert.Contains(app.Logs.Entries, e => e.Message.Contains("had gone out already", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.Entries, e => e.Message.Contains("may have reached", StringComparison.Ordinal));
    }

    /// <summary>8 calls of one number without a recording within the hour: 5 alerts, then one summary kept up to date, and the rest in its thread.</summary>
    [Fact]
    public async Task ABurstOfEightCallsOnOneNumber_IsOneSummary_WithTheRestInItsThread()
    {
        using var app = App();
        using var client = app.CreateClient();

        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(AircallWebhooks.Route, Webhook(AircallWebhooks.CallEnded, WithId(_peers.CallData, 2000000 + i)), Ct)).StatusCode);
            // One at a time, as calls end: the burst is counted in the order the alerts are decided.
            await app.WaitForAsync(r => IsAlert(app, r), count: i + 1 + (i >= 5 ? 1 : 0));
        }

        await app.DrainAsync();
        var posts = Alerts(app).Select(r => JsonNode.Parse(app.Slack.Body(r))!).ToList();
        var summaries = posts.Where(p => ((string?)p["text"])?.StartsWith("Recording looks switched off for number Support: 6 calls", StringComparison.Ordinal) == true).ToList();
        var topLevelAlerts = posts.Where(p => p["thread_ts"] is null && ((string?)p["text"])?.StartsWith("Recording looks", StringComparison.Ordinal) != true).ToList();
        var threaded = posts.Where(p => (string?)p["thread_ts"] == "1700000000.000100").ToList();
        var updates = app.Slack.Requests.Where(r => r.RequestUri!.AbsolutePath == "/api/chat.update").Select(r => JsonNode.Parse(app.Slack.Body(r))!).ToList();

        Assert.Single(summaries);
        // Since when, written for the language, in the number's time zone (Aircall's time_zone), naming it.
        Assert.Matches(@"since \d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2} \(Europe/Paris\)", (string)summaries[0]["text"]!);
        Assert.Equal(5, topLevelAlerts.Count);
        Assert.Equal(3, threaded.Count);
        Assert.All(threaded, p => Assert.Contains("cause:recording-disabled", p.ToJsonString(), StringComparison.Ordinal));
        Assert.Equal(["7 calls", "8 calls"], updates.Select(u => ((string)u["text"]!).Split(": ")[1][..7]));
    }

    private static JsonObject Button(BotApp app, HttpRequestMessage alert, string actionId) =>
        JsonNode.Parse(app.Slack.Body(alert))!["blocks"]!.AsArray().Where(b => (string?)b!["type"] == "actions")
            .SelectMany(b => b!["elements"]!.AsArray()).Select(e => e!.AsObject()).Single(e => (string?)e["action_id"] == actionId);

    /// <summary>A click on an alert as Slack sends it: on the message posted in the alert channel, in the fake auth.test's team.</summary>
    private static HttpRequestMessage ClickOnAlert(JsonObject button, string team = "T0G9PQBBK") =>
        SlackRequests.Click(button, team: team, channel: AlertChannel, messageTs: "1700000000.000100", userName: "ana.support");

    /// <summary>An app whose alert channel got the alert for the fixture's call.</summary>
    private async Task<(BotApp App, HttpClient Client, HttpRequestMessage Alert)> AlertedAsync()
    {
        var app = App();
        var client = app.CreateClient();
        await client.PostAsync(AircallWebhooks.Route, Webhook(AircallWebhooks.CallEnded, _peers.CallData), Ct);
        return (app, client, Assert.Single(await app.WaitForAsync(r => IsAlert(app, r))));
    }

    [Fact]
    public async Task Expected_MutesTheNumberFor24Hours_SayingWhoMutedIt()
    {
        var (app, client, alert) = await AlertedAsync();
        using var disposeApp = app;
        using var disposeClient = client;

        await client.SendAsync(ClickOnAlert(Button(app, alert, "alert:expected")), Ct);
        var said = await app.WaitForAsync(r => IsAlert(app, r), count: 2);
        await app.DrainAsync();
        Assert.Contains("Alerts for number Support are muted for 24 hours (muted by ana.support).", app.Slack.Body(said[1]), StringComparison.Ordinal);

        // The next call of that number without a recording: no alert.
        await client.PostAsync(AircallWebhooks.Route, Webhook(AircallWebhooks.CallEnded, WithId(_peers.CallData, 3000001)), Ct);
        await app.DrainAsync();
        await app.SentinelAsync();
        Assert.Equal(2, Alerts(app).Length);
        Assert.Equal(1, _aircall.Count("/v1/calls/3000001")); // looked at, then not posted
    }

    [Fact]
    public async Task Investigate_ContinuesInTheAlertsThread_AskingOnlyWhatTheDataCouldNotDecide()
    {
        // Recording on for the number today, answered, 2 min: the data rules most causes out, but not the switch at call time.
        _peers.NumberRecording = true;
        var (app, client, alert) = await AlertedAsync();
        using var disposeApp = app;
        using var disposeClient = client;

        await client.SendAsync(ClickOnAlert(Button(app, alert, "alert:investigate")), Ct);
        var question = (await app.WaitForAsync(r => IsAlert(app, r), count: 2))[1];
        await app.DrainAsync();

        var body = JsonNode.Parse(app.Slack.Body(question))!;
        Assert.Equal("1700000000.000100", (string?)body["thread_ts"]);
        Assert.StartsWith("Was call recording on for this number", (string?)body["text"], StringComparison.Ordinal);
        Assert.DoesNotContain("Was the call answered", body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlertButtons_ClickedInAnotherTeam_ChangeNothing()
    {
        var (app, client, alert) = await AlertedAsync();
        using var disposeApp = app;
        using var disposeClient = client;

        await client.SendAsync(ClickOnAlert(Button(app, alert, "alert:expected"), team: "T0OTHER"), Ct);
        var said = (await app.WaitForAsync(r => IsAlert(app, r), count: 2))[1];
        await app.DrainAsync();

        Assert.Contains("expired", app.Slack.Body(said), StringComparison.Ordinal);
        Assert.Null(await app.Services.GetRequiredService<ChatTroubleshooter.Alerts.IAlertMutes>().MutedByAsync(1234, DateTimeOffset.UtcNow, Ct));
    }

    [Fact]
    public async Task ARestartDuringTheGraceDelay_StillSendsTheAlertOnce()
    {
        using (var first = App(grace: "00:00:02", sqlite: true))
        {
            using var client = first.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(AircallWebhooks.Route, Webhook(AircallWebhooks.CallEnded, _peers.CallData), Ct)).StatusCode);
            Assert.Empty(Alerts(first));
        }

        using var restarted = App(grace: "00:00:02", sqlite: true);
        using var start = restarted.CreateClient();
        var alerts = await restarted.WaitForAsync(r => IsAlert(restarted, r));
        await restarted.DrainAsync();

        Assert.Single(alerts);
        Assert.Single(Alerts(restarted));
    }

    [Fact]
    public async Task ADeletedNumber_IsRemembered_AndIsEvidenceForNumberDeleted_WithoutAskingAircall()
    {
        using var app = App();
        using var client = app.CreateClient();
        var number = JsonNode.Parse(TestData.Read("aircall/webhook_number_closed_example.json"))!["data"]!.AsObject();
        number["id"] = 1234;
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(AircallWebhooks.Route, Webhook(AircallWebhooks.NumberDeleted, number), Ct)).StatusCode);
        await app.DrainAsync();

        // An agent asks about a call of that number which has a recording link.
        _peers.CallData = Call(talkSeconds: 120, recording: "https://example.test/recording.mp3");
        await client.SendAsync(SlackRequests.SlashCommand("1234567"), Ct);
        static bool IsResponse(HttpRequestMessage r) => r.RequestUri!.Host == "hooks.slack.com";
        // The deleted number decides: no "Does the recording open and play?" first (its recordings are gone either way).
        var diagnosis = app.Slack.Body(Assert.Single(await app.WaitForAsync(IsResponse)));
        await app.DrainAsync();

        Assert.DoesNotContain("recording-opens", diagnosis, StringComparison.Ordinal);
        Assert.Contains("cause:number-deleted", diagnosis, StringComparison.Ordinal);
        Assert.Contains("was deleted on", diagnosis, StringComparison.Ordinal);
        Assert.Equal(0, _aircall.Count("/v1/numbers/1234"));
    }
}
