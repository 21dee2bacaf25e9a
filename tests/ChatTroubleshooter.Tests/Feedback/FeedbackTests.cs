using ChatTroubleshooter.Conversations;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Storage;
using ChatTroubleshooter.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace ChatTroubleshooter.Tests.Feedback;

/// <summary>Feedback clicks through the real Slack and Teams endpoints.</summary>
public sealed class FeedbackTests : IDisposable
{
    private readonly BotApp _app = new(BotFrameworkFake.Settings);
    private readonly BotFrameworkFake _botFramework;
    private readonly HttpClient _client;

    public FeedbackTests()
    {
        _botFramework = new BotFrameworkFake(_app.Teams);
        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IFeedbackStore State => _app.Services.GetRequiredService<IFeedbackStore>();

    private static bool IsResponse(HttpRequestMessage r) => r.RequestUri!.Host == "hooks.slack.com";

    private async Task<JsonObject> SlackDiagnosisAsync(string text)
    {
        await _client.SendAsync(SlackRequests.SlashCommand(text), Ct);
        return JsonNode.Parse(_app.Slack.Body(Assert.Single(await _app.WaitForAsync(IsResponse))))!.AsObject();
    }

    private Task ClickAsync(JsonObject button) => _client.SendAsync(SlackRequests.Click(button), Ct);

    private static JsonObject Button(JsonObject message, string actionId) =>
        message["blocks"]!.AsArray().Where(b => (string?)b!["type"] == "actions").SelectMany(b => b!["elements"]!.AsArray())
            .Single(e => (string?)e!["action_id"] == actionId)!.AsObject();

    private static string Texts(JsonNode node) => JsonTexts.Joined(node);

    [Fact]
    public async Task SlackSolved_IsStoredOnceAndTheButtonsBecomeAThankYou()
    {
        var diagnosis = await SlackDiagnosisAsync("1000004");
        var solved = Button(diagnosis, "feedback:solved");
        var diagnosisId = ((ChatTroubleshooter.Cards.FeedbackButton)ChatTroubleshooter.Cards.ButtonValues.Read((string?)solved["value"])!).DiagnosisId;

        await ClickAsync(solved);
        var replaced = JsonNode.Parse(_app.Slack.Body((await _app.WaitForAsync(IsResponse, count: 2))[1]))!.AsObject();
        await ClickAsync(solved);
        await _app.WaitForAsync(IsResponse, count: 3);

        Assert.True((bool?)replaced["replace_original"]);
        // The feedback buttons are gone; the customer draft stays available.
        Assert.Equal(["draft"], replaced["blocks"]!.AsArray().Where(b => (string?)b!["type"] == "actions").Select(b => (string?)b!["block_id"]));
        Assert.Contains("Thanks for your feedback!", Texts(replaced), StringComparison.Ordinal);
        var stored = (await State.FeedbackSinceAsync(DateTimeOffset.UtcNow.AddMinutes(-5), Ct)).Where(f => f.DiagnosisId == diagnosisId).ToList();
        var record = Assert.Single(stored);
        Assert.True(record.Helpful);
        Assert.Equal(["too-short"], record.CauseIds);
        Assert.Equal("slack", record.Channel);
        Assert.Equal("en", record.Language);
        Assert.Equal("W111", record.User);
    }

    [Theory]
    [InlineData("1000004", "Summary for a support ticket", "Conversation length: 3 s (source: Aircall data)")]
    [InlineData("La llamada 1000004 no tiene grabación, ¿por qué?", "Resumen para un ticket de soporte", "Duración de la conversación: 3 s (fuente: Datos de Aircall)")]
    public async Task SlackNotSolved_OffersTheSummary_WhichCopySummaryPostsPrivatelyInTheUsersLanguage(string text, string title, string factLine)
    {
        var diagnosis = await SlackDiagnosisAsync(text);

        await ClickAsync(Button(diagnosis, "feedback:not-solved"));

        // The diagnosis stays short: one "Copy summary" button instead of the summary inline, and no second "not solved".
        var replaced = JsonNode.Parse(_app.Slack.Body((await _app.WaitForAsync(IsResponse, count: 2))[1]))!.AsObject();
        Assert.DoesNotContain("```", Texts(replaced), StringComparison.Ordinal);
        var buttons = replaced["blocks"]!.AsArray().Where(b => (string?)b!["type"] == "actions").SelectMany(b => b!["elements"]!.AsArray())
            .Select(e => (string?)e!["action_id"]).ToList();
        Assert.Equal(["summary", "draft"], buttons);

        await ClickAsync(Button(replaced, "summary"));
        var posted = (await _app.WaitForAsync(IsResponse, count: 3))[2];
        var summary = JsonNode.Parse(_app.Slack.Body(posted))!.AsObject();
        var all = Texts(summary);
        Assert.Equal("ephemeral", (string?)summary["response_type"]);
        Assert.Equal(false, (bool?)summary["replace_original"]);
        Assert.Contains(title, all, StringComparison.Ordinal);
        Assert.Contains(factLine, all, StringComparison.Ordinal);
        Assert.Contains("```", all, StringComparison.Ordinal);
        Assert.Contains("[too-short]", all, StringComparison.Ordinal);
        var record = Assert.Single(await State.FeedbackSinceAsync(DateTimeOffset.UtcNow.AddMinutes(-5), Ct));
        Assert.False(record.Helpful);
    }

    [Fact]
    public async Task TeamsFeedbackInvoke_ReplacesTheCardWithTheThankYou()
    {
        var activity = BotFrameworkFake.Activity("playground_message-personal.json", a => a["text"] = "1000006");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent(activity.ToJsonString(), System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _botFramework.Token());
        await _client.SendAsync(request, Ct);
        var post = Assert.Single(await BotApp.WaitForAsync(_app.Teams, r => r.Method == HttpMethod.Post && r.RequestUri!.AbsolutePath.Contains("/activities/", StringComparison.Ordinal)));
        var card = JsonNode.Parse(_app.Teams.Body(post))!["attachments"]![0]!["content"]!;
        var solved = card["actions"]!.AsArray().First(a => (string?)a!["verb"] == "feedback" && (bool?)a!["data"]!["helpful"] == true)!;

        var invoke = BotFrameworkFake.Activity("playground_invoke-adaptiveCard-action-personal.json", a =>
        {
            a["value"] = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = "feedback", ["data"] = solved["data"]!.DeepClone() } };
        });
        var invokeRequest = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent(invoke.ToJsonString(), System.Text.Encoding.UTF8, "application/json") };
        invokeRequest.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _botFramework.Token());
        var response = JsonNode.Parse(await (await _client.SendAsync(invokeRequest, Ct)).Content.ReadAsStringAsync(Ct))!;

        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)response["type"]);
        Assert.Contains("Thanks for your feedback!", Texts(response["value"]!), StringComparison.Ordinal);
        Assert.DoesNotContain(response["value"]!["actions"]?.AsArray() ?? [], a => (string?)a!["verb"] == "feedback");
        Assert.Single(await State.FeedbackSinceAsync(DateTimeOffset.UtcNow.AddMinutes(-5), Ct));
    }
}
