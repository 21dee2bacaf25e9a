using ChatTroubleshooter.Cards;
using System.Net;
using System.Text.Json.Nodes;
using System.Web;
using ChatTroubleshooter.Tests.Fakes;

namespace ChatTroubleshooter.Tests.Slack;

/// <summary>
/// Slack's own payloads through the real pipeline, against a fake Slack, the same scenarios whichever way Slack reaches
/// the bot: really signed HTTP requests (<see cref="SlackHttpTests"/>) or Socket Mode envelopes
/// (<see cref="SlackSocketModeTests"/>). Only the edge differs; what the bot answers must not.
/// </summary>
public abstract class SlackScenarios(SlackWay way) : IAsyncLifetime
{
    private protected SlackIngress Ingress { get; private set; } = null!;

    private protected BotApp _app => Ingress.App;

    private protected SlackWay Way => way;

    public async ValueTask InitializeAsync() => Ingress = await SlackIngress.StartAsync(way);

    public async ValueTask DisposeAsync()
    {
        await Ingress.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    private protected Task<Delivered> CommandAsync(string text) => Ingress.CommandAsync(SlackRequests.SlashCommandBody(text));

    private protected Task<Delivered> ClickAsync(JsonObject button) => Ingress.InteractionAsync(SlackRequests.ClickPayload(button));

    private protected static bool IsResponseUrl(HttpRequestMessage r) => r.RequestUri!.Host == "hooks.slack.com";

    private protected static bool Is(HttpRequestMessage r, string method) => r.RequestUri!.AbsolutePath == "/api/" + method;

    private protected JsonObject Json(HttpRequestMessage r) => JsonNode.Parse(_app.Slack.Body(r))!.AsObject();

    private static IEnumerable<JsonObject> Buttons(JsonObject message) =>
        message["blocks"]!.AsArray().Where(b => (string?)b!["type"] == "actions").SelectMany(b => b!["elements"]!.AsArray()).Select(e => e!.AsObject());

    private static string Texts(JsonObject message) => JsonTexts.Joined(message);

    [Fact]
    public async Task SlashCommand_WithDemoCallId_AcksAtOnceThenAnswersWithADiagnosisThroughResponseUrl()
    {
        var sent = await CommandAsync("1000004");

        // An empty 200 (or a bare ack): nothing is shown until the answer comes through response_url.
        Assert.True(sent.Acknowledged);
        Assert.Equal("", sent.Body);
        var posted = Assert.Single(await _app.WaitForAsync(IsResponseUrl));
        var message = Json(posted);
        Assert.Equal("ephemeral", (string?)message["response_type"]);
        Assert.Equal("https://hooks.slack.com/commands/T111/111/xxxxx", posted.RequestUri!.ToString());
        Assert.Contains("\"block_id\":\"cause:too-short\"", message.ToJsonString(), StringComparison.Ordinal);
        // The user's alone, kept by no one: no message metadata (a diagnosis posted where others read carries it).
        Assert.Null(message["metadata"]);
        var feedback = Buttons(message).First(b => (string?)b["action_id"] == "feedback:solved");
        Assert.Equal(new FeedbackButton(((FeedbackButton)ButtonValues.Read((string?)feedback["value"])!).DiagnosisId, true), ButtonValues.Read((string?)feedback["value"]));
    }

    [Fact]
    public async Task SlashCommand_Description_AsksAQuestion_AndButtonClicksLeadToADiagnosis()
    {
        await CommandAsync("the call has no recording");
        var question = Json(Assert.Single(await _app.WaitForAsync(IsResponseUrl)));
        var yes = Buttons(question).Single(b => ((string)b["action_id"]!).EndsWith(":yes", StringComparison.Ordinal));
        Assert.Equal("answer:answered:yes", (string?)yes["action_id"]);

        var click = await ClickAsync(yes);
        Assert.True(click.Acknowledged);
        var afterFirst = await _app.WaitForAsync(IsResponseUrl, count: 3);
        Assert.Equal(3, afterFirst.Length);
        var replaced = Json(afterFirst[1]);
        Assert.True((bool?)replaced["replace_original"]);
        Assert.Empty(Buttons(replaced));
        Assert.Contains("Your answer: Yes", Texts(replaced), StringComparison.Ordinal);

        var second = Json(afterFirst[2]);
        var under5 = Buttons(second).Single(b => (string?)b["action_id"] == "answer:talk-seconds:..4");
        await ClickAsync(under5);
        var all = await _app.WaitForAsync(IsResponseUrl, count: 5);
        var diagnosis = Json(all[4]);
        Assert.Single(Buttons(diagnosis), b => (string?)b["action_id"] == "feedback:solved");
        Assert.Contains("\"block_id\":\"cause:too-short\"", diagnosis.ToJsonString(), StringComparison.Ordinal);

        // The same button clicked again: a friendly message, and the conversation is not changed.
        await ClickAsync(yes);
        var again = await _app.WaitForAsync(IsResponseUrl, count: 6);
        Assert.Contains("already been answered", Texts(Json(again[5])), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartOver_OnAQuestion_ReplacesItWithTheRestartMessage_AndTheOldQuestionIsClosed()
    {
        await CommandAsync("the call has no recording");
        var question = Json(Assert.Single(await _app.WaitForAsync(IsResponseUrl)));
        var restart = Buttons(question).Single(b => (string?)b["action_id"] == "restart");
        var yes = Buttons(question).Single(b => ((string)b["action_id"]!).EndsWith(":yes", StringComparison.Ordinal));

        await ClickAsync(restart);
        var replaced = Json((await _app.WaitForAsync(IsResponseUrl, count: 2))[1]);
        await ClickAsync(yes);
        var after = Json((await _app.WaitForAsync(IsResponseUrl, count: 3))[2]);

        Assert.True((bool?)replaced["replace_original"]);
        Assert.StartsWith("Starting over", Texts(replaced), StringComparison.Ordinal);
        Assert.Contains("already been answered", Texts(after), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Click_OnAnUnknownConversation_GetsAFriendlyMessage()
    {
        var button = new JsonObject
        {
            ["action_id"] = "answer:answered:yes",
            ["value"] = ButtonValues.ToText(new AnswerButton("slack:T111:C111:W111", "gone", "answered", "yes")),
        };

        await ClickAsync(button);

        var reply = Json(Assert.Single(await _app.WaitForAsync(IsResponseUrl)));
        Assert.Contains("expired", Texts(reply), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlashCommand_Help_AnswersUsageInTheUsersLocale()
    {
        await CommandAsync("help");

        var reply = Json(Assert.Single(await _app.WaitForAsync(IsResponseUrl)));
        // Demo mode: the examples are demo calls, which answer.
        Assert.Contains("https://dashboard.aircall.io/calls/1000004", Texts(reply), StringComparison.Ordinal);
        Assert.Single(await _app.WaitForAsync(r => Is(r, "users.info")));
    }

    [Fact]
    public async Task Mention_InAChannel_IsAnsweredInItsThread()
    {
        var envelope = JsonNode.Parse(TestData.Read("slack/event_app_mention.json"))!.AsObject();
        envelope["event"]!["text"] = "<@W23456789> why no recording on https://dashboard.aircall.io/calls/1000006 ?";

        Assert.True((await Ingress.EventAsync(envelope.ToJsonString())).Acknowledged);

        var post = Json(Assert.Single(await _app.WaitForAsync(r => Is(r, "chat.postMessage"))));
        Assert.Equal("C111", (string?)post["channel"]);
        Assert.Equal("1605835902.008000", (string?)post["thread_ts"]);
        Assert.Contains("feedback:solved", post.ToJsonString(), StringComparison.Ordinal);
        // Issue 34: what it found, for workflows and other apps: the message's metadata, with the outbox's delivery id.
        Assert.Equal("aircall_recording_diagnosis", (string?)post["metadata"]!["event_type"]);
        var payload = post["metadata"]!["event_payload"]!;
        Assert.Equal(("1000006", "confirmed", """["too-long"]""", "[]", "en"),
            ((string?)payload["call_id"], (string?)payload["kind"], payload["confirmed_causes"]!.ToJsonString(), payload["possible_causes"]!.ToJsonString(), (string?)payload["language"]));
        Assert.False(string.IsNullOrEmpty((string?)payload["diagnosis_id"]));
        Assert.False(string.IsNullOrEmpty((string?)payload["delivery_id"]));
    }

    [Fact]
    public async Task RetriedEvent_IsAnsweredOnce()
    {
        var body = TestData.Read("slack/event_app_mention.json").Replace("<@U123> hey", "<@U123> 1000004", StringComparison.Ordinal);

        for (var retry = 0; retry < 3; retry++)
        {
            Assert.True((await Ingress.EventAsync(body, retry)).Acknowledged);
        }

        await Ingress.SentinelAsync();
        Assert.Single(_app.Slack.Requests, r => Is(r, "chat.postMessage"));
    }

    [Theory]
    [InlineData("slack/event_app_mention_from_bot.json")]
    [InlineData("slack/event_message_from_app_bot.json")]
    [InlineData("slack/event_message_classic_bot_message.json")]
    public async Task BotMessages_AreIgnored(string fixture)
    {
        Assert.True((await Ingress.EventAsync(TestData.Read(fixture))).Acknowledged);

        await Ingress.SentinelAsync();
        Assert.DoesNotContain(_app.Slack.Requests, r => Is(r, "chat.postMessage"));
    }

    [Fact]
    public async Task MessageFromTheBotsOwnUser_IsIgnored()
    {
        var envelope = JsonNode.Parse(TestData.Read("slack/event_message_im.json"))!.AsObject();
        envelope["event"]!["user"] = "W23456789"; // auth.test's user_id

        await Ingress.EventAsync(envelope.ToJsonString());

        await Ingress.SentinelAsync();
        Assert.DoesNotContain(_app.Slack.Requests, r => Is(r, "chat.postMessage"));
    }

    [Fact]
    public async Task DirectMessage_IsAnsweredInTheDm()
    {
        var envelope = JsonNode.Parse(TestData.Read("slack/event_message_im.json"))!.AsObject();
        envelope["event"]!["text"] = "La llamada 1000003 no tiene grabación, ¿por qué?";

        await Ingress.EventAsync(envelope.ToJsonString());

        var post = Json(Assert.Single(await _app.WaitForAsync(r => Is(r, "chat.postMessage"))));
        Assert.Equal("D111", (string?)post["channel"]);
        Assert.Equal("1726133698.626339", (string?)post["thread_ts"]);
        Assert.Contains("La llamada no fue contestada", Texts(post), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("type", "5")]
    [InlineData("user", "\"U123\"")]
    [InlineData("actions", "{}")]
    [InlineData("container", "[]")]
    public async Task Interaction_WithAFieldOfTheWrongType_IsRefusedClearly_NeverA500(string field, string json)
    {
        var payload = JsonNode.Parse(TestData.Read("slack/block_actions_with_state.json"))!.AsObject();
        payload[field] = JsonNode.Parse(json);

        var sent = await Ingress.InteractionAsync(payload.ToJsonString());

        if (Way == SlackWay.Http)
        {
            Assert.Equal(HttpStatusCode.BadRequest, sent.Status);
            Assert.Contains(field, sent.Body, StringComparison.Ordinal);
        }
        else
        {
            // Sending it again would not make it readable: acknowledged, and said in the log (one short line, no stack trace).
            Assert.True(sent.Acknowledged);
            Assert.Contains(_app.Logs.Entries, e => e.Message.Contains("Slack Socket Mode", StringComparison.Ordinal) && e.Message.Contains(field, StringComparison.Ordinal) && e.Exception is null);
        }

        await Ingress.SentinelAsync();
        Assert.Equal(1, _app.Slack.Requests.Count(IsResponseUrl));
    }

    [Fact]
    public async Task Event_OfATypeTheBotIgnores_IsAcknowledged_EvenWhenItsFieldsDoNotFitOurs()
    {
        // user_change carries "user" as an object, where app_mention has a string.
        var body = """{"type":"event_callback","event_id":"Ev1","team_id":"T1","event":{"type":"user_change","user":{"id":"U1"}}}""";

        var sent = await Ingress.EventAsync(body);

        Assert.True(sent.Acknowledged);
        Assert.Equal(Way == SlackWay.Http ? HttpStatusCode.OK : null, sent.Status);
    }

    [Fact]
    public async Task ResponseUrlOutsideTheAllowedPrefix_IsNeverCalled()
    {
        var form = HttpUtility.ParseQueryString(SlackRequests.SlashCommandBody("1000004"));
        form["response_url"] = "https://evil.example/steal";

        await Ingress.CommandAsync(form.ToString()!);

        await Ingress.SentinelAsync();
        Assert.DoesNotContain(_app.Slack.Requests, r => r.RequestUri!.Host == "evil.example");
    }

    // Slack's own protocol checks. Over Socket Mode the bot has no signing secret: its HTTP endpoints refuse every
    // request the same way, and what Slack sends over the socket is checked there instead.

    [Fact]
    public async Task UrlVerification_EchoesTheChallenge_OrOverSocketModeIsAcknowledgedAndIgnored()
    {
        var sent = await Ingress.EventAsync(TestData.Read("slack/url_verification.json"));

        Assert.True(sent.Acknowledged);
        if (Way == SlackWay.Http)
        {
            Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", sent.Body);
        }

        await Ingress.SentinelAsync();
        Assert.Single(_app.Slack.Requests, IsResponseUrl);
    }

    [Fact]
    public async Task SslCheck_IsAcceptedWithoutASignature()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/slack/commands")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["ssl_check"] = "1", ["token"] = "x" }),
        };

        Assert.Equal(HttpStatusCode.OK, (await Ingress.Client.SendAsync(request, Ct)).StatusCode);
    }

    [Theory]
    [InlineData("/slack/commands")]
    [InlineData("/slack/events")]
    [InlineData("/slack/interactions")]
    public async Task UnsignedOrBadlySignedRequests_Get401AndNothingHappens(string path)
    {
        var unsigned = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(SlackRequests.SlashCommandBody("1000004")) };
        var wrongSecret = BotApp.Signed(path, SlackRequests.SlashCommandBody("1000004"), "application/x-www-form-urlencoded", secret: "not-the-secret");
        var stale = BotApp.Signed(path, SlackRequests.SlashCommandBody("1000004"), "application/x-www-form-urlencoded", at: DateTimeOffset.UtcNow.AddMinutes(-6));

        Assert.Equal(HttpStatusCode.Unauthorized, (await Ingress.Client.SendAsync(unsigned, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Ingress.Client.SendAsync(wrongSecret, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Ingress.Client.SendAsync(stale, Ct)).StatusCode);
        await _app.DrainAsync();
        Assert.DoesNotContain(_app.Slack.Requests, r => !Is(r, "auth.test"));
    }

    [Fact]
    public async Task OversizedBody_IsRefusedBeforeItIsRead_OrOverSocketModeSkipped()
    {
        if (Way == SlackWay.Http)
        {
            var response = await Ingress.Client.SendAsync(BotApp.Signed("/slack/events", new string('x', 300 * 1024), "application/json"), Ct);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            return;
        }

        var big = new JsonObject { ["envelope_id"] = "big", ["type"] = "slash_commands", ["payload"] = new JsonObject { ["text"] = new string('x', 300 * 1024) } };
        var connection = (await Ingress.Socket!.OpenConnectionsAsync(1))[^1];
        await connection.SendAsync(big.ToJsonString());
        await Ingress.SentinelAsync();
        Assert.False(Ingress.Socket.AckCounts.ContainsKey("big"));
        Assert.False(connection.IsClosed);
    }

    [Theory]
    [InlineData("""{"type":"event_callback","team_id":"T1","event_id":"Ev1","event":{"type":"app_mention","user":"U1","channel":"C1","ts":"1.2","text":"\ud800"}}""")]
    [InlineData("""{"type":"event_callback","team_id":"T1","event_id":"\ud800","event":{"type":"app_mention","user":"U1","channel":"C1","ts":"1.2","text":"hi"}}""")]
    [InlineData("""{"type":"\ud800","team_id":"T1","event_id":"Ev1","event":{"type":"app_mention","user":"U1","channel":"C1","ts":"1.2","text":"hi"}}""")]
    [InlineData("""{"type":"event_callback","team_id":"T1","event_id":"Ev1","event":{"type":"\ud800","user":"U1","channel":"C1","ts":"1.2","text":"hi"}}""")]
    [InlineData("""{"type":"event_callback","team_id":"T1","event_id":"Ev1","event":{"type":"message","user":"U1","channel":"D1","ts":"1.2","text":"hi","edited":{"user":"\ud800"}}}""")]
    [InlineData("""{"type":"url_verification","challenge":"\ud800"}""")]
    [InlineData("""{"type":"event_callback","team_id":"T1","event_id":"Ev1","\ud800":1,"event":{"type":"app_mention","user":"U1","channel":"C1","ts":"1.2","text":"hi"}}""")]
    [InlineData("""{"type":"event_callback","team_id":"T1","event_id":"Ev1","event":{"\ud800x":"y","type":"app_mention","user":"U1","channel":"C1","ts":"1.2","text":"hi"}}""")]
    [InlineData("""{"type":"event_callback","team_id":"T1","event_id":"Ev1","event":{"type":"app_mention","user":"U1","channel":"C1","ts":"1.2","text":"a\udc00b"}}""")]
    public async Task AnEventWithALoneSurrogateEscape_Is400_OrOverSocketModeSkipped_NeverA500(string json)
    {
        // Valid JSON that System.Text.Json cannot turn into a .NET string: "\ud800" alone.
        if (Way == SlackWay.Http)
        {
            var response = await Ingress.Client.SendAsync(BotApp.Signed("/slack/events", json, "application/json"), Ct);
            // 400 where the bot reads the field; a field it never reads, or an event type it ignores, is simply acknowledged.
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.OK, response.StatusCode.ToString());
            Assert.DoesNotContain(_app.Logs.Entries, e => e.Exception is not null);
            return;
        }

        var connection = (await Ingress.Socket!.OpenConnectionsAsync(1))[^1];
        await connection.SendAsync("""{"envelope_id":"e1","type":"events_api","payload":""" + json + "}");
        await Ingress.SentinelAsync();
        Assert.False(connection.IsClosed);
        Assert.DoesNotContain(_app.Logs.Entries, e => e.Exception is not null);
    }

    [Fact]
    public async Task MalformedJson_Is400NotA500_OrOverSocketModeSkipped()
    {
        if (Way == SlackWay.Http)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await Ingress.Client.SendAsync(BotApp.Signed("/slack/events", "{not json", "application/json"), Ct)).StatusCode);
            return;
        }

        var connection = (await Ingress.Socket!.OpenConnectionsAsync(1))[^1];
        await connection.SendAsync("{not json");
        await Ingress.SentinelAsync();
        Assert.False(connection.IsClosed);
        Assert.Contains(_app.Logs.Entries, e => e.Message.Contains("not JSON", StringComparison.Ordinal) && e.Exception is null);
    }

    [Fact]
    public async Task WithoutASigningSecret_EveryHttpRequestIsRefused()
    {
        using var app = new BotApp(new Dictionary<string, string?> { ["Slack:SigningSecret"] = "" });
        using var client = app.CreateClient();

        var response = await client.SendAsync(BotApp.Signed("/slack/commands", SlackRequests.SlashCommandBody("1000004"), "application/x-www-form-urlencoded"), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

/// <summary>The scenarios over signed HTTP requests.</summary>
public sealed class SlackHttpTests() : SlackScenarios(SlackWay.Http);
