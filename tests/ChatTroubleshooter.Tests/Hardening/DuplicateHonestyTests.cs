using System.Net;
using ChatTroubleshooter.Tests.Fakes;
using Microsoft.Extensions.Logging;

namespace ChatTroubleshooter.Tests.Hardening;

/// <summary>
/// Issue 17 #9: a response_url that resets after the reply arrived made the retry send it again (5 of 5), while
/// README said a retry never sends a reply twice. Slack takes no idempotency key for a new message: the retry is
/// kept (a lost reply is worse), and the possible duplicate is said in the log and counted.
/// </summary>
public sealed class DuplicateHonestyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AReplyWhoseAnswerWasLost_IsSentAgain_AndThePossibleDuplicateIsSaid()
    {
        using var app = new BotApp { ResetResponseUrlsAfterArrival = 1 };
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(SlackRequests.SlashCommand("1000004"), Ct)).StatusCode);
        var sent = await app.WaitForAsync(r => r.RequestUri!.Host == "hooks.slack.com", count: 2);
        await app.DrainAsync();

        Assert.Equal(2, sent.Length);
        Assert.Equal(app.Slack.Body(sent[0]), app.Slack.Body(sent[1]));
        var warning = Assert.Single(app.Logs.Entries, e => e.Message.Contains("may have reached", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("SlackResponseDelivery", warning.Message, StringComparison.Ordinal);
        Assert.Contains("a retry can show it twice", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReplySlackRefused_IsNoPossibleDuplicate()
    {
        // A 404 (an expired response_url): Slack answered, nothing was posted.
        using var app = new BotApp(new() { ["Outbox:MaxAttempts"] = "1" }) { ResponseUrlStatus = HttpStatusCode.NotFound };
        using var client = app.CreateClient();

        await client.SendAsync(SlackRequests.SlashCommand("1000004"), Ct);
        await app.WaitForAsync(r => r.RequestUri!.Host == "hooks.slack.com");
        await app.DrainAsync();

        Assert.DoesNotContain(app.Logs.Entries, e => e.Message.Contains("may have reached", StringComparison.Ordinal));
    }
}
