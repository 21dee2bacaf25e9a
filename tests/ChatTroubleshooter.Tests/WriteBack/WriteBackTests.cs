using System.Net;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Alerts;
using ChatTroubleshooter.Tests.Alerts;
using ChatTroubleshooter.Tests.Fakes;

namespace ChatTroubleshooter.Tests.WriteBack;

/// <summary>
/// Issue 35: a confirmed diagnosis (an alert's, a conversation's) is written onto its call in Aircall, once: the tag
/// <c>no-recording:&lt;cause&gt;</c> (created once) and one comment. Aircall is a fake keeping the call's comments and the
/// company's tags; Slack is a fake.
/// </summary>
public sealed class WriteBackTests
{
    private const string AlertChannel = "C0ALERTS";
    private const string Tag = "no-recording:recording-disabled";

    private readonly AlertPeers _peers = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private BotApp App(string writeBack = "both", Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Alerts:SlackChannel"] = AlertChannel,
            ["Alerts:AssetsGrace"] = "00:00:00",
            ["Aircall:WriteBack"] = writeBack,
        };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return _peers.App(settings);
    }

    private static bool IsAlert(BotApp app, HttpRequestMessage r) =>
        r.RequestUri!.AbsolutePath == "/api/chat.postMessage" && app.Slack.Body(r).Contains($"\"channel\":\"{AlertChannel}\"", StringComparison.Ordinal);

    private static bool IsResponse(HttpRequestMessage r) => r.RequestUri!.Host == "hooks.slack.com";

    private static bool IsWrite(HttpRequestMessage r) => r.Method == HttpMethod.Post;

    /// <summary>An alert for the reference call (answered, 2 min, on number 1234 whose recording is off): recording-disabled, confirmed.</summary>
    private async Task<string> AlertAsync(BotApp app, HttpClient client)
    {
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(AircallWebhooks.Route, AlertPeers.Webhook(AircallWebhooks.CallEnded, _peers.CallData), Ct)).StatusCode);
        var alert = Assert.Single(await app.WaitForAsync(r => IsAlert(app, r)));
        await app.DrainAsync();
        return app.Slack.Body(alert);
    }

    [Fact]
    public async Task AConfirmedAlert_IsOneTag_AndOneComment_AndTheAlertSaysSo()
    {
        using var app = App();
        using var client = app.CreateClient();
        var before = _peers.Aircall.Requests.Count(r => !IsWrite(r));

        var alert = await AlertAsync(app, client);

        Assert.Contains($"Tagged on the call in Aircall ({Tag}), with the diagnosis as a comment.", alert, StringComparison.Ordinal);
        // The tag: created once (it was missing), then put on the call by id.
        var created = Assert.Single(_peers.Writes("/v1/tags"));
        Assert.Equal(Tag, (string)JsonNode.Parse(_peers.Aircall.Body(created))!["name"]!);
        var tagged = Assert.Single(_peers.Writes($"/v1/calls/{AlertPeers.CallId}/tags"));
        Assert.Equal([_peers.Tags.Single().Key], JsonNode.Parse(_peers.Aircall.Body(tagged))!["tags"]!.AsArray().Select(t => (long)t!));
        // One comment: the cause, its evidence, who asked, and the diagnosis it came from.
        var comment = Assert.Single(_peers.Comments);
        TestContext.Current.SendDiagnosticMessage(comment);
        Assert.StartsWith("No recording: Call recording is switched off for this number.", comment, StringComparison.Ordinal);
        Assert.Contains("Diagnosed by ChatTroubleshooter for the alerts (diagnosis ", comment, StringComparison.Ordinal);
        Assert.Contains("\"diagnosis_id\":\"", alert, StringComparison.Ordinal);
        var diagnosisId = JsonNode.Parse(alert)!["metadata"]!["event_payload"]!["diagnosis_id"]!.GetValue<string>();
        Assert.Contains(diagnosisId, comment, StringComparison.Ordinal);
        TestContext.Current.SendDiagnosticMessage(
            $"Aircall requests: {before} before; the alert's reads and the write-back: {_peers.Aircall.Requests.Count(r => !IsWrite(r)) - before} reads, {_peers.Aircall.Requests.Count(IsWrite)} writes");
    }

    [Fact]
    public async Task ASecondDiagnosisOfTheSameCall_InAConversation_WritesNothingMore_AndSaysSoInTheLog()
    {
        using var app = App();
        using var client = app.CreateClient();
        await AlertAsync(app, client);

        await client.SendAsync(SlackRequests.SlashCommand("1234567"), Ct);
        var answer = app.Slack.Body(Assert.Single(await app.WaitForAsync(IsResponse)));
        await app.DrainAsync();
        await app.SentinelAsync();

        Assert.Contains("cause:recording-disabled", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("Tagged on the call", answer, StringComparison.Ordinal);
        Assert.Single(_peers.Comments);
        Assert.Single(_peers.Writes($"/v1/calls/{AlertPeers.CallId}/tags"));
        Assert.Contains(app.Logs.Entries, e => e.Message.Contains("replaces nothing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AConversationsConfirmedDiagnosis_IsWritten_WithWhoAsked_AndTheReplySaysSo()
    {
        using var app = App(writeBack: "tags");
        using var client = app.CreateClient();

        await client.SendAsync(SlackRequests.SlashCommand("1234567"), Ct);
        var answer = app.Slack.Body(Assert.Single(await app.WaitForAsync(IsResponse)));
        await BotApp.WaitForAsync(_peers.Aircall, r => r.RequestUri!.AbsolutePath.EndsWith("/tags", StringComparison.Ordinal) && r.RequestUri.AbsolutePath.StartsWith("/v1/calls/", StringComparison.Ordinal));
        await app.DrainAsync();

        Assert.Contains($"Tagged on the call in Aircall: {Tag}.", answer, StringComparison.Ordinal);
        Assert.Single(_peers.Writes($"/v1/calls/{AlertPeers.CallId}/tags"));
        Assert.Empty(_peers.Comments);
    }

    [Fact]
    public async Task ACommentWhoseAnswerWasLost_IsFoundOnTheCall_AndNotPostedAgain()
    {
        _peers.CommentsLostAfterArrival = 1;
        using var app = App(writeBack: "comments");
        using var client = app.CreateClient();

        await AlertAsync(app, client);

        Assert.Single(_peers.Comments);
        Assert.Single(_peers.Writes("/comments"));
        Assert.Contains(app.Logs.Entries, e => e.Message.Contains("had gone out already; not sent again", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden, "refused to write the comment onto call")]
    [InlineData(HttpStatusCode.TooManyRequests, "waits for the outbox's next attempt")]
    public async Task AircallRefusing_StillAnswersTheDiagnosis_LogsOnce_AndTheOutboxRetriesWithinItsLimits(HttpStatusCode refusal, string logged)
    {
        _peers.WriteStatus = refusal;
        using var app = App(writeBack: "comments", new Dictionary<string, string?>
        {
            ["Outbox:MaxAttempts"] = "2",
            ["Aircall:MaxRetries"] = "0",
        });
        using var client = app.CreateClient();

        var alert = await AlertAsync(app, client);
        await app.DrainAsync(timeoutSeconds: 20);

        Assert.Contains("cause:recording-disabled", alert, StringComparison.Ordinal);
        Assert.Equal(2, _peers.Writes("/comments").Length);
        Assert.Empty(_peers.Comments);
        Assert.Single(app.Logs.Entries, e => e.Message.Contains(logged, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARateLimitThatEnds_IsRetried_AndWritesOneComment()
    {
        _peers.WriteStatus = HttpStatusCode.TooManyRequests;
        using var app = App(writeBack: "comments", new Dictionary<string, string?> { ["Aircall:MaxRetries"] = "0" });
        using var client = app.CreateClient();

        static bool IsComment(HttpRequestMessage r) => r.RequestUri!.AbsolutePath.EndsWith("/comments", StringComparison.Ordinal);
        await client.PostAsync(AircallWebhooks.Route, AlertPeers.Webhook(AircallWebhooks.CallEnded, _peers.CallData), Ct);
        Assert.Single(await BotApp.WaitForAsync(_peers.Aircall, IsComment));
        _peers.WriteStatus = HttpStatusCode.OK;
        Assert.Equal(2, (await BotApp.WaitForAsync(_peers.Aircall, IsComment, count: 2)).Length);
        await app.DrainAsync();

        Assert.Single(_peers.Comments);
    }

    [Fact]
    public async Task Off_ByDefault_NothingIsWritten()
    {
        using var app = App(writeBack: "none");
        using var client = app.CreateClient();

        var alert = await AlertAsync(app, client);
        await app.SentinelAsync();

        Assert.DoesNotContain("Aircall (", alert, StringComparison.Ordinal);
        Assert.DoesNotContain(_peers.Aircall.Requests, IsWrite);
    }
}
