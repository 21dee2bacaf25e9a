using ChatTroubleshooter.Teams;
using ChatTroubleshooter.Slack;
using System.Net;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Alerts;
using ChatTroubleshooter.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace ChatTroubleshooter.Tests.Alerts;

/// <summary>
/// Issue 19: an admin sends alerts to a conversation with <c>alerts here</c> (Slack: <c>/norecording alerts here</c>;
/// Teams: an @mention in a channel), stops them with <c>alerts off</c>; Teams alerts are proactive Bot Connector posts
/// with the "Investigate" and "Expected" actions. Aircall, Slack and the Bot Framework are fakes.
/// </summary>
public sealed class AlertSubscriptionTests
{
    private const string SlackAdmin = "W111"; // the slash command fixture's user
    private const string TeamsAdmin = "29:17bUvCasIPKfQIXHvNzcPjD86fwm6GkWc1PvCGP2-NSkNb7AyGYpjQ7Xw-XgTwaHW5JxZ4KMNDxn1kcL8fwX1Nw"; // rido, the channel fixture's user
    private const string TeamsChannel = "19:6848757105754c8981c67612732d9aa7@thread.tacv2";
    private const string Tenant = "50612dbb-0237-4969-b378-8d42590f9c00";

    private readonly AlertPeers _peers = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private (BotApp App, BotFrameworkFake BotFramework) App(bool tokens = true, int burstThreshold = 5)
    {
        var settings = BotFrameworkFake.Settings;
        settings["Stats:AdminUserIds:0"] = "slack:" + SlackAdmin;
        settings["Stats:AdminUserIds:1"] = "teams:" + TeamsAdmin;
        settings["Stats:AdminUserIds:2"] = "teams:user-id-0"; // the group chat fixture's user
        settings["Alerts:AssetsGrace"] = "00:00:00";
        settings["Alerts:BurstThreshold"] = burstThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var app = _peers.App(settings, tokens);
        var botFramework = new BotFrameworkFake(app.Teams);
        return (app, botFramework);
    }

    private static bool IsResponse(HttpRequestMessage r) => r.RequestUri!.Host == "hooks.slack.com";

    private static bool IsChannelPost(BotApp app, HttpRequestMessage r, string channel) =>
        r.RequestUri!.AbsolutePath == "/api/chat.postMessage" && app.Slack.Body(r).Contains($"\"channel\":\"{channel}\"", StringComparison.Ordinal);

    private static async Task<string> CommandAsync(BotApp app, HttpClient client, string text, int responsesBefore)
    {
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(SlackRequests.SlashCommand(text), Ct)).StatusCode);
        return app.Slack.Body((await app.WaitForAsync(IsResponse, count: responsesBefore + 1))[responsesBefore]);
    }

    private async Task EndCallAsync(HttpClient client, long id) =>
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(AircallWebhooks.Route, AlertPeers.Webhook(AircallWebhooks.CallEnded, AlertPeers.WithId(_peers.CallData, id)), Ct)).StatusCode);

    [Fact]
    public async Task Slack_AlertsHere_ByAnAdmin_SendsAlertsToThatChannel_UntilAlertsOff()
    {
        var (app, _) = App();
        using var disposeApp = app;
        using var client = app.CreateClient();

        Assert.Contains("Alerts are on here", await CommandAsync(app, client, "alerts here", 0), StringComparison.Ordinal);
        Assert.Contains("Alerts are on here since", await CommandAsync(app, client, "alerts", 1), StringComparison.Ordinal);

        await EndCallAsync(client, 3000001);
        var alert = Assert.Single(await app.WaitForAsync(r => IsChannelPost(app, r, "C111")));
        await app.DrainAsync();
        Assert.Contains("cause:recording-disabled", app.Slack.Body(alert), StringComparison.Ordinal);
        Assert.Contains("Outgoing call 3000001 from Support", app.Slack.Body(alert), StringComparison.Ordinal);

        Assert.Contains("Alerts are off here.", await CommandAsync(app, client, "alerts off", 2), StringComparison.Ordinal);
        Assert.Contains("Alerts were not on here", await CommandAsync(app, client, "alerts off", 3), StringComparison.Ordinal);
        await EndCallAsync(client, 3000002);
        await app.DrainAsync();
        await app.SentinelAsync();

        Assert.Single(app.Slack.Requests, r => IsChannelPost(app, r, "C111"));
        Assert.Equal(1, _peers.Aircall.Count("/v1/calls/3000002")); // looked at, then sent nowhere
        Assert.Contains(app.Logs.Entries, e => e.Message.Contains("alerts go nowhere", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Slack_AlertsHere_ByAnyoneElse_IsRefused_AndChangesNothing()
    {
        var (app, _) = App();
        using var disposeApp = app;
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(BotApp.Signed("/slack/commands", SlackRequests.SlashCommandBody("alerts here", user: "W999"), SlackRequests.Form), Ct)).StatusCode);
        var said = app.Slack.Body(Assert.Single(await app.WaitForAsync(IsResponse)));
        await app.DrainAsync();

        Assert.Contains("only admins can turn alerts on or off", said, StringComparison.Ordinal);
        Assert.Empty(await app.Services.GetRequiredService<IAlertSubscriptions>().SubscriptionsAsync(Ct));
    }

    [Fact]
    public async Task Slack_AlertsHere_WithoutWebhookTokens_SaysNoAlertCanComeYet()
    {
        var (app, _) = App(tokens: false);
        using var disposeApp = app;
        using var client = app.CreateClient();

        var said = await CommandAsync(app, client, "alerts here", 0);

        Assert.Contains("Alerts are on here", said, StringComparison.Ordinal);
        Assert.Contains("Aircall__WebhookTokens__0 is not set", said, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APlaceTheBotWasRemovedFrom_IsSkippedWithAWarning_AndTheOtherPlacesStillGetTheAlert()
    {
        var (app, _) = App();
        using var disposeApp = app;
        using var client = app.CreateClient();
        await app.Services.GetRequiredService<IAlertSubscriptions>().SubscribeAsync(
            new AlertSubscription("slack:T111:C0GONE", new SlackPlace("C0GONE"), "W111", DateTimeOffset.UtcNow, "en"), Ct);
        await app.Services.GetRequiredService<IAlertSubscriptions>().SubscribeAsync(
            new AlertSubscription("slack:T111:C0HERE", new SlackPlace("C0HERE"), "W111", DateTimeOffset.UtcNow, "en"), Ct);
        app.Slack.OnFirst(r => IsChannelPost(app, r, "C0GONE"), _ => RecordingHandler.Json("""{"ok":false,"error":"not_in_channel"}"""));

        await EndCallAsync(client, 3000001);
        await app.WaitForAsync(r => IsChannelPost(app, r, "C0HERE"));
        await app.DrainAsync();

        Assert.Single(app.Slack.Requests, r => IsChannelPost(app, r, "C0GONE")); // tried once, not retried
        Assert.Contains(app.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning
            && e.Message.Contains("could not be posted in slack:T111:C0GONE (not_in_channel)", StringComparison.Ordinal));
    }

    /// <summary>An @mention of the bot in the fixture's channel thread, by <paramref name="user"/>, in <paramref name="locale"/>.</summary>
    private static JsonObject Mention(string text, string user = TeamsAdmin, string locale = "en-US") =>
        BotFrameworkFake.Activity("teamsnet_channel-message-with-bot-mention.json", a =>
        {
            a["id"] = Guid.NewGuid().ToString("N");
            a["text"] = "<at>ridotest</at> " + text;
            a["from"]!["id"] = user;
            a["locale"] = locale;
        });

    /// <summary>A click (Action.Execute) on a button of the post <paramref name="postId"/> in the channel, as Teams sends it: from that post's thread.</summary>
    private static JsonObject Click(JsonObject action, string postId, string channel = TeamsChannel) =>
        BotFrameworkFake.Activity("playground_invoke-adaptiveCard-action-personal.json", a =>
        {
            a["id"] = Guid.NewGuid().ToString("N");
            a["from"] = new JsonObject { ["id"] = TeamsAdmin, ["name"] = "rido" };
            a["conversation"] = new JsonObject
            {
                ["conversationType"] = "channel",
                ["isGroup"] = true,
                ["tenantId"] = Tenant,
                ["id"] = channel + ";messageid=" + postId,
            };
            a["replyToId"] = postId;
            a["value"] = new JsonObject
            {
                ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = (string?)action["verb"], ["data"] = action["data"]!.DeepClone() },
                ["trigger"] = "manual",
            };
        });

    private static bool IsChannelCreate(HttpRequestMessage r) => r.Method == HttpMethod.Post && r.RequestUri!.AbsolutePath == "/amer/v3/conversations";

    private static JsonObject Body(BotApp app, HttpRequestMessage r) => JsonNode.Parse(app.Teams.Body(r))!.AsObject();

    private static JsonObject CardOf(JsonObject activity) => activity["attachments"]![0]!["content"]!.AsObject();

    private static JsonObject Action(JsonObject card, string verb) => card["actions"]!.AsArray().Select(a => a!.AsObject()).Single(a => (string?)a["verb"] == verb);

    /// <summary>A Teams channel subscribed by its admin (in French), and the alert card posted in it for the fixture's call.</summary>
    private async Task<(BotApp App, HttpClient Client, BotFrameworkFake BotFramework, JsonObject Card)> TeamsAlertedAsync(int burstThreshold = 5)
    {
        var (app, botFramework) = App(burstThreshold: burstThreshold);
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await botFramework.PostAsync(client, Mention("alerts here", locale: "fr-FR"))).StatusCode);
        // The confirmation, in the thread where it was asked.
        var confirmation = Assert.Single(await BotApp.WaitForAsync(app.Teams, r => app.Teams.Body(r).Contains("Les alertes sont activ", StringComparison.Ordinal)));
        Assert.StartsWith("/amer/v3/conversations/" + Uri.EscapeDataString(TeamsChannel + ";messageid=1759881511856"), confirmation.RequestUri!.AbsolutePath, StringComparison.Ordinal);

        await EndCallAsync(client, AlertPeers.CallId);
        var create = Assert.Single(await BotApp.WaitForAsync(app.Teams, IsChannelCreate));
        await app.DrainAsync();
        var body = Body(app, create);
        Assert.Equal(TeamsChannel, (string?)body["channelData"]!["channel"]!["id"]);
        Assert.Equal(Tenant, (string?)body["tenantId"]);
        Assert.True((bool)body["isGroup"]!);
        Assert.Equal("Bearer connector-token", create.Headers.Authorization?.ToString());
        return (app, client, botFramework, CardOf(body["activity"]!.AsObject()));
    }

    [Fact]
    public async Task Teams_AlertsHereInAChannel_PostsEachAlertAsANewPost_InTheSubscribersLanguage_WithInvestigateAndExpected()
    {
        var (app, client, _, card) = await TeamsAlertedAsync();
        using var disposeApp = app;
        using var disposeClient = client;

        var json = card.ToJsonString();
        Assert.Contains("cause:recording-disabled", json, StringComparison.Ordinal);
        Assert.Contains("1234567", json, StringComparison.Ordinal);
        Assert.Contains("https://dashboard.aircall.io/calls/1234567", json, StringComparison.Ordinal);
        Assert.Equal("Examiner", (string?)Action(card, "investigate")["title"]);
        Assert.Equal("Attendu", (string?)Action(card, "mute")["title"]);
        Assert.Contains(card["actions"]!.AsArray(), a => (string?)a!["verb"] == "feedback");
        var subscription = Assert.Single(await app.Services.GetRequiredService<IAlertSubscriptions>().SubscriptionsAsync(Ct));
        Assert.Equal(new TeamsPlace(BotFrameworkFake.ServiceUrl, TeamsChannel, Tenant, IsChannel: true), subscription.Target);
        Assert.Equal(("rido", "fr"), (subscription.By, subscription.Language));
    }

    [Fact]
    public async Task Teams_Expected_MutesTheNumber_SayingWhoInTheAlertsThread_AndLeavesTheAlertAsItIs()
    {
        var (app, client, botFramework, card) = await TeamsAlertedAsync();
        using var disposeApp = app;
        using var disposeClient = client;
        var before = app.Teams.Requests.Count;

        var response = await botFramework.PostAsync(client, Click(Action(card, "mute"), "channel-post-1"));
        var invoke = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        var thread = "/amer/v3/conversations/" + Uri.EscapeDataString(TeamsChannel + ";messageid=channel-post-1") + "/activities";
        var said = Assert.Single(await BotApp.WaitForAsync(app.Teams, r => r.RequestUri!.AbsolutePath == thread && r.Method == HttpMethod.Post));
        await app.DrainAsync();

        Assert.Equal("application/vnd.microsoft.activity.message", (string?)invoke["type"]);
        Assert.Contains("muted by rido", (string?)invoke["value"], StringComparison.Ordinal);
        Assert.Contains("muted by rido", app.Teams.Body(said), StringComparison.Ordinal);
        Assert.Equal("rido", await app.Services.GetRequiredService<IAlertMutes>().MutedByAsync(1234, DateTimeOffset.UtcNow, Ct));
        Assert.DoesNotContain(app.Teams.Requests.Skip(before), r => r.Method == HttpMethod.Put);
    }

    [Fact]
    public async Task Teams_Investigate_AsksOnlyWhatTheDataCouldNotDecide_InTheAlertsThread()
    {
        // Recording on for the number today, answered, 2 min: the data rules most causes out, but not the switch at call time.
        _peers.NumberRecording = true;
        var (app, client, botFramework, card) = await TeamsAlertedAsync();
        using var disposeApp = app;
        using var disposeClient = client;

        var response = await botFramework.PostAsync(client, Click(Action(card, "investigate"), "channel-post-1"));
        var thread = "/amer/v3/conversations/" + Uri.EscapeDataString(TeamsChannel + ";messageid=channel-post-1") + "/activities";
        var question = Assert.Single(await BotApp.WaitForAsync(app.Teams, r => r.RequestUri!.AbsolutePath == thread && r.Method == HttpMethod.Post
            && app.Teams.Body(r).Contains("attachments", StringComparison.Ordinal)));
        await app.DrainAsync();

        Assert.Equal("application/vnd.microsoft.activity.message", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["type"]);
        var asked = CardOf(Body(app, question)).ToJsonString();
        Assert.Contains("Was call recording on for this number", asked, StringComparison.Ordinal);
        Assert.DoesNotContain("Was the call answered", asked, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Teams_AlertButtons_FromAnotherChannel_ChangeNothing()
    {
        var (app, client, botFramework, card) = await TeamsAlertedAsync();
        using var disposeApp = app;
        using var disposeClient = client;

        var response = await botFramework.PostAsync(client, Click(Action(card, "mute"), "channel-post-1", channel: "19:another@thread.tacv2"));
        await app.DrainAsync();

        Assert.Contains("expired", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Null(await app.Services.GetRequiredService<IAlertMutes>().MutedByAsync(1234, DateTimeOffset.UtcNow, Ct));
    }

    [Fact]
    public async Task Teams_AlertsHereInAGroupChat_PostsEachAlertAsAMessageInThatChat()
    {
        var (app, botFramework) = App();
        using var disposeApp = app;
        using var client = app.CreateClient();
        const string Chat = "803344ce-b483-45a6-ac5c-0688f2b40731";
        var chat = "/amer/v3/conversations/" + Chat + "/activities";

        await botFramework.PostAsync(client, BotFrameworkFake.Activity("playground_message-groupchat-with-bot-mention.json", a => a["text"] = "<at>Test Bot</at> alerts here"));
        await BotApp.WaitForAsync(app.Teams, r => app.Teams.Body(r).Contains("Alerts are on here", StringComparison.Ordinal));
        await EndCallAsync(client, AlertPeers.CallId);
        var alert = Assert.Single(await BotApp.WaitForAsync(app.Teams, r => r.RequestUri!.AbsolutePath == chat && app.Teams.Body(r).Contains("cause:recording-disabled", StringComparison.Ordinal)));
        await app.DrainAsync();

        Assert.Equal(HttpMethod.Post, alert.Method);
        Assert.DoesNotContain(app.Teams.Requests, IsChannelCreate);
        Assert.Equal(new TeamsPlace(BotFrameworkFake.ServiceUrl, Chat, "00000000-0000-0000-0000-0000000000001", IsChannel: false),
            Assert.Single(await app.Services.GetRequiredService<IAlertSubscriptions>().SubscriptionsAsync(Ct)).Target);
    }

    /// <summary>Over the threshold (2 here) within the hour: one summary post in the channel, updated, and the rest in its thread.</summary>
    [Fact]
    public async Task Teams_ABurst_IsOneSummaryPost_UpdatedWithTheCount_AndTheRestInItsThread()
    {
        var (app, client, _, _) = await TeamsAlertedAsync(burstThreshold: 2);
        using var disposeApp = app;
        using var disposeClient = client;

        for (var i = 0; i < 3; i++)
        {
            await EndCallAsync(client, 4000000 + i);
            await app.DrainAsync();
        }

        var creates = app.Teams.Requests.Where(IsChannelCreate).Select(r => Body(app, r)).ToList();
        var summary = creates.Where(c => c["activity"]!["attachments"] is null).ToList();
        var root = "/amer/v3/conversations/" + Uri.EscapeDataString(TeamsChannel + ";messageid=channel-post-3");
        var threaded = app.Teams.Requests.Where(r => r.Method == HttpMethod.Post && r.RequestUri!.AbsolutePath == root + "/activities").ToList();
        var updates = app.Teams.Requests.Where(r => r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath == root + "/activities/channel-post-3").ToList();

        Assert.Equal(3, creates.Count); // 2 alerts, then the summary
        Assert.StartsWith("L'enregistrement semble désactivé sur le numéro Support : 3 appels", (string?)Assert.Single(summary)["activity"]!["text"], StringComparison.Ordinal);
        Assert.Equal(2, threaded.Count);
        Assert.All(threaded, r => Assert.Contains("cause:recording-disabled", app.Teams.Body(r), StringComparison.Ordinal));
        Assert.Contains(": 4 appels", app.Teams.Body(Assert.Single(updates)), StringComparison.Ordinal);
    }
}
