using ChatTroubleshooter.Places;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace ChatTroubleshooter.Tests.Hardening;

/// <summary>
/// Issue 17 #2: a feedback, escalation, draft or answer click is honoured only in the channel and conversation (and
/// Slack team / Teams tenant) where its diagnosis or question was given; anywhere else it gets "start again" and
/// changes nothing. Before, an anonymous Teams invoke with a Slack user's diagnosis id read its escalation summary.
/// </summary>
public sealed class ClickBindingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IEnumerable<JsonObject> Buttons(JsonNode message) =>
        message["blocks"]!.AsArray().Where(b => (string?)b!["type"] == "actions").SelectMany(b => b!["elements"]!.AsArray()).Select(e => e!.AsObject());

    [Theory]
    [InlineData("T111", "C222")]
    [InlineData("T999", "C111")]
    public async Task Slack_FeedbackFromAnotherChannelOrTeam_ChangesNothing_AndTheSameClickWhereItWasGivenCounts(string team, string channel)
    {
        using var app = new BotApp();
        using var client = app.CreateClient();
        // A DM diagnosis in team T111, channel C111 (the fixture's team).
        var envelope = JsonNode.Parse(TestData.Read("slack/event_message_im.json"))!.AsObject();
        envelope["event"]!["text"] = "1000004";
        envelope["event"]!["channel"] = "C111";
        await client.SendAsync(BotApp.Signed("/slack/events", envelope.ToJsonString(), "application/json"), Ct);
        var post = Assert.Single(await app.WaitForAsync(r => r.RequestUri!.AbsolutePath == "/api/chat.postMessage"));
        var notSolved = Buttons(JsonNode.Parse(app.Slack.Body(post))!).Single(b => (string?)b["action_id"] == "feedback:not-solved");

        await client.SendAsync(SlackRequests.Click(notSolved, team: team, channel: channel), Ct);
        // The fixture's click is on an ephemeral message: the answer goes to its response_url.
        static bool IsResponse(HttpRequestMessage r) => r.RequestUri!.Host == "hooks.slack.com";
        var elsewhere = Assert.Single(await app.WaitForAsync(IsResponse));
        await app.DrainAsync();

        var body = app.Slack.Body(elsewhere);
        Assert.Contains("expired", body, StringComparison.Ordinal);
        Assert.DoesNotContain("too-short", body, StringComparison.Ordinal);
        var feedback = app.Services.GetRequiredService<IFeedbackStore>();
        Assert.Empty(await feedback.FeedbackSinceAsync(DateTimeOffset.UtcNow.AddHours(-1), Ct));

        await client.SendAsync(SlackRequests.Click(notSolved, team: "T111", channel: "C111"), Ct);
        var own = (await app.WaitForAsync(IsResponse, count: 2))[1];
        await app.DrainAsync();
        Assert.Contains("cause:too-short", app.Slack.Body(own), StringComparison.Ordinal);
        Assert.Single(await feedback.FeedbackSinceAsync(DateTimeOffset.UtcNow.AddHours(-1), Ct));
    }

    [Fact]
    public async Task Teams_InvokeFromAnotherTenant_CannotReadTheEscalationSummary_NorVote()
    {
        using var app = new BotApp(BotFrameworkFake.Settings);
        var botFramework = new BotFrameworkFake(app.Teams);
        using var client = app.CreateClient();
        Task<HttpResponseMessage> PostAsync(JsonObject activity) => botFramework.PostAsync(client, activity);

        await PostAsync(BotFrameworkFake.Activity("playground_message-personal.json", a => { a["text"] = "1000004"; a["id"] = "m1"; }));
        bool IsMessage(HttpRequestMessage r) => r.Method == HttpMethod.Post && app.Teams.Body(r).Contains("cause:too-short", StringComparison.Ordinal);
        var posted = Assert.Single(await BotApp.WaitForAsync(app.Teams, IsMessage));
        var card = JsonNode.Parse(app.Teams.Body(posted))!["attachments"]![0]!["content"]!;
        var notSolved = card["actions"]!.AsArray().Single(a => (string?)a!["verb"] == "feedback" && (bool?)a!["data"]!["helpful"] == false)!;

        JsonObject Invoke(string tenant) => BotFrameworkFake.Activity("playground_invoke-adaptiveCard-action-personal.json", a =>
        {
            a["id"] = Guid.NewGuid().ToString();
            a["conversation"] = BotFrameworkFake.Activity("playground_message-personal.json")["conversation"]!.DeepClone();
            a["conversation"]!["tenantId"] = tenant;
            a["value"] = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = "feedback", ["data"] = notSolved["data"]!.DeepClone() } };
        });

        var foreign = await (await PostAsync(Invoke("11111111-2222-3333-4444-555555555555"))).Content.ReadFromJsonAsync<JsonObject>(Ct);
        Assert.Equal(TeamsEndpointsMessageType, (string?)foreign!["type"]);
        Assert.Contains("expired", (string?)foreign["value"], StringComparison.Ordinal);
        Assert.Empty(await app.Services.GetRequiredService<IFeedbackStore>().FeedbackSinceAsync(DateTimeOffset.UtcNow.AddHours(-1), Ct));

        var own = await (await PostAsync(Invoke("00000000-0000-0000-0000-0000000000001"))).Content.ReadFromJsonAsync<JsonObject>(Ct);
        Assert.Equal(CardRenderer.ContentType, (string?)own!["type"]);
        Assert.Single(await app.Services.GetRequiredService<IFeedbackStore>().FeedbackSinceAsync(DateTimeOffset.UtcNow.AddHours(-1), Ct));
        await app.DrainAsync();
    }

    private const string TeamsEndpointsMessageType = ChatTroubleshooter.Teams.TeamsEndpoints.ActivityMessageType;

    [Fact]
    public async Task AnAnswerOrRestartButton_NamingAConversationOfAnotherPlace_ChangesNothing()
    {
        var service = TestConversations.Create();
        var asked = new Turn(ChatChannel.Slack, "slack:T1:C1:U1", "U1", "en-US") { Text = "the recording is missing", Place = "slack:T1:C1" };
        var question = Assert.IsType<QuestionReply>(await service.HandleAsync(asked, Ct));
        var option = question.Options[0].Value;

        // The same button value, clicked in another team's channel.
        var elsewhere = new Turn(ChatChannel.Slack, "slack:T2:C9", "U9", "en-US") { Place = "slack:T2:C9" };
        var forged = await service.HandleAsync(new AnswerButton(question.ConversationKey!, question.ConversationId, question.FactId, option).ApplyTo(elsewhere), Ct);
        var restart = await service.HandleAsync(new RestartButton(question.ConversationKey!).ApplyTo(elsewhere), Ct);

        Assert.Contains("expired", Assert.IsType<MessageReply>(forged).Text, StringComparison.Ordinal);
        Assert.Contains("expired", Assert.IsType<MessageReply>(restart).Text, StringComparison.Ordinal);
        // The question is still open where it was asked: answering it there works.
        var here = new Turn(ChatChannel.Slack, "slack:T1:C1", "U1", "en-US") { Place = "slack:T1:C1" };
        var answered = await service.HandleAsync(new AnswerButton(question.ConversationKey!, question.ConversationId, question.FactId, option).ApplyTo(here), Ct);
        Assert.IsNotType<MessageReply>(answered);
    }
}
