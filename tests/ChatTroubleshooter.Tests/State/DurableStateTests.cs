using System.Net;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace ChatTroubleshooter.Tests.State;

/// <summary>Nothing the user started is lost or answered twice: restarts, crashes, several instances, retries.</summary>
public sealed class DurableStateTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("durable-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Dictionary<string, string?> Sqlite(bool processor = true) => new()
    {
        ["State:Provider"] = "Sqlite",
        ["State:SqlitePath"] = Path.Combine(_directory.FullName, "state.db"),
        ["Outbox:Enabled"] = processor ? "true" : "false",
    };

    private static Dictionary<string, string?> Redis(string prefix) => new()
    {
        ["State:Provider"] = "Redis",
        ["State:Redis"] = TestRedis.Address,
        ["State:RedisPrefix"] = prefix,
    };

    private static async Task CommandAsync(BotApp app, string text)
    {
        using var client = app.CreateClient();
        var response = await client.SendAsync(SlackRequests.SlashCommand(text), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<HttpStatusCode> ClickAsync(BotApp app, JsonObject button)
    {
        using var client = app.CreateClient();
        return (await client.SendAsync(SlackRequests.Click(button), Ct)).StatusCode;
    }

    private static bool IsResponse(HttpRequestMessage r) => r.RequestUri!.Host == "hooks.slack.com";

    private static JsonObject Button(BotApp app, HttpRequestMessage message, string suffix) =>
        JsonNode.Parse(app.Slack.Body(message))!["blocks"]!.AsArray()
            .Where(b => (string?)b!["type"] == "actions").SelectMany(b => b!["elements"]!.AsArray())
            .Single(e => ((string)e!["action_id"]!).EndsWith(suffix, StringComparison.Ordinal))!.AsObject();

    /// <summary>Every response_url post the given hosts made, as JSON, in no particular order.</summary>
    private static List<JsonObject> Posts(params BotApp[] apps) =>
        apps.SelectMany(a => a.Slack.Requests.Where(IsResponse).Select(r => JsonNode.Parse(a.Slack.Body(r))!.AsObject())).ToList();

    private static async Task<List<JsonObject>> WaitForPostsAsync(int count, int timeoutSeconds, params BotApp[] apps)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (Posts(apps).Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Ct);
        }

        return Posts(apps);
    }

    [Fact]
    public async Task Restart_MidQuestion_TheAnswerOnANewHostEndsInADiagnosis()
    {
        JsonObject yes;
        using (var first = new BotApp(Sqlite()))
        {
            await CommandAsync(first, "the call was answered but has no recording");
            var question = Assert.Single(await first.WaitForAsync(IsResponse));
            yes = Button(first, question, ":..4");
        }

        using var second = new BotApp(Sqlite());
        Assert.Equal(HttpStatusCode.OK, await ClickAsync(second, yes));

        var posts = await WaitForPostsAsync(2, 15, second);
        Assert.Contains(posts, p => p.ToJsonString().Contains("feedback:solved", StringComparison.Ordinal) && p.ToJsonString().Contains("cause:too-short", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Crash_AfterTheAckBeforeTheReply_TheReplyIsSentOnceAfterRestart()
    {
        using (var crashed = new BotApp(Sqlite(processor: false)))
        {
            await CommandAsync(crashed, "1000004");
            // Acknowledged, stored, not worked on: the worker is off.
            Assert.Equal(1, await crashed.Services.GetRequiredService<ChatTroubleshooter.Outbox.IWorkOutbox>().CountPendingAsync(Ct));
            Assert.DoesNotContain(crashed.Slack.Requests, IsResponse);
        }

        using var restarted = new BotApp(Sqlite());
        using var start = restarted.CreateClient(); // starts the host, and with it the outbox worker
        var posts = await WaitForPostsAsync(1, 15, restarted);
        await restarted.DrainAsync();
        var reply = Assert.Single(Posts(restarted));
        Assert.Contains("cause:too-short", reply.ToJsonString(), StringComparison.Ordinal);
        Assert.Single(posts);
    }

    /// <summary>Issue 17 #7: Redis without the append-only file lost 10 of 129 acknowledged commands when killed; say so at start.</summary>
    [Theory]
    [InlineData("no", true)]
    [InlineData("yes", false)]
    public async Task Redis_WithoutAppendOnly_IsNamedAtStart(string appendOnly, bool warned)
    {
        TestRedis.Connect();
        var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"{TestRedis.Address},allowAdmin=true");
        var server = admin.GetServer(admin.GetEndPoints()[0]);
        var before = server.ConfigGet("appendonly").Single().Value;
        try
        {
            server.ConfigSet("appendonly", appendOnly);
            using var app = new BotApp(Redis(TestRedis.NewPrefix()));
            using var client = app.CreateClient();

            Assert.Equal(warned, app.Logs.Entries.Any(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning
                && e.Message.Contains("appendonly no", StringComparison.Ordinal) && e.Message.Contains("appendfsync everysec", StringComparison.Ordinal)));
        }
        finally
        {
            server.ConfigSet("appendonly", before);
            await admin.DisposeAsync();
        }
    }

    [Fact]
    public async Task TwoHostsSharingRedis_ConversationStartedOnAIsFinishedOnB_AndConcurrentClicksGiveOneNextStep()
    {
        TestRedis.Connect();
        var prefix = TestRedis.NewPrefix();
        using var a = new BotApp(Redis(prefix));
        using var b = new BotApp(Redis(prefix));

        await CommandAsync(a, "the call has no recording");
        var first = await WaitForPostsAsync(1, 15, a, b);
        var questionHost = a.Slack.Requests.Any(IsResponse) ? a : b;
        var question = questionHost.Slack.Requests.Single(IsResponse);
        var yes = Button(questionHost, question, ":yes");
        Assert.Single(first);

        // The same "yes" clicked on both hosts at once: one answer is taken, the other told it was answered.
        var clicks = await Task.WhenAll(ClickAsync(a, yes), ClickAsync(b, yes));
        Assert.All(clicks, c => Assert.Equal(HttpStatusCode.OK, c));
        await WaitForPostsAsync(4, 15, a, b);
        await BotApp.DrainAsync([a, b]);
        var posts = Posts(a, b);
        Assert.Equal(4, posts.Count); // question, answered version, next question, "already answered"
        Assert.Single(posts, p => p.ToJsonString().Contains("answer:talk-seconds", StringComparison.Ordinal));
        Assert.Single(posts, p => p.ToJsonString().Contains("already been answered", StringComparison.Ordinal));

        // Finish on host B.
        var nextHost = a.Slack.Requests.Where(IsResponse).Any(r => a.Slack.Body(r).Contains("answer:talk-seconds", StringComparison.Ordinal)) ? a : b;
        var next = nextHost.Slack.Requests.Where(IsResponse).Single(r => nextHost.Slack.Body(r).Contains("answer:talk-seconds", StringComparison.Ordinal));
        await ClickAsync(b, Button(nextHost, next, ":..4"));
        var all = await WaitForPostsAsync(6, 15, a, b);
        Assert.Contains(all, p => p.ToJsonString().Contains("feedback:solved", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SlackRetries_OfOneEvent_ToTwoInstances_AreAnsweredOnce()
    {
        TestRedis.Connect();
        var prefix = TestRedis.NewPrefix();
        using var a = new BotApp(Redis(prefix));
        using var b = new BotApp(Redis(prefix));
        var body = TestData.Read("slack/event_app_mention.json").Replace("<@U123> hey", "<@U123> 1000004", StringComparison.Ordinal)
            .Replace("Ev01FC50TXB6", $"Ev{Guid.NewGuid():N}", StringComparison.Ordinal);

        for (var retry = 0; retry < 3; retry++)
        {
            using var client = (retry % 2 == 0 ? a : b).CreateClient();
            var request = BotApp.Signed("/slack/events", body, "application/json");
            if (retry > 0)
            {
                request.Headers.Add("X-Slack-Retry-Num", retry.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request, Ct)).StatusCode);
        }

        static bool IsPost(HttpRequestMessage r) => r.RequestUri!.AbsolutePath == "/api/chat.postMessage";
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!a.Slack.Requests.Concat(b.Slack.Requests).Any(IsPost) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Ct);
        }

        await BotApp.DrainAsync([a, b]);
        Assert.Single(a.Slack.Requests.Concat(b.Slack.Requests), IsPost);
    }

    [Fact]
    public async Task WorkThatKeepsFailing_EndsAsAVisibleDeadLetter()
    {
        var settings = Sqlite();
        settings["Outbox:MaxAttempts"] = "1";
        using var app = new BotApp(settings) { FailResponseUrls = true };

        await CommandAsync(app, "1000004");

        await app.DrainAsync();

        // The dead letter stays in the file, with its typed work and the error, for a person to look at.
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_directory.FullName, "state.db")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT json, error FROM outbox WHERE status = 'dead'";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Contains("\"kind\":\"slack.command\"", reader.GetString(0), StringComparison.Ordinal);
        Assert.Contains("500", reader.GetString(1), StringComparison.Ordinal);
        Assert.False(reader.Read());
    }
}
