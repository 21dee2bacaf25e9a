using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Tests.Fakes;
using Microsoft.Extensions.Logging;

namespace ChatTroubleshooter.Tests.Hardening;

/// <summary>
/// Issue 33: an instance that dies between sending a reply and marking it sent. The instance that takes its work over
/// looks for a Slack message before posting it again (the delivery's id is in the message's metadata); a response_url
/// post cannot be looked for, so it is sent again, and that possible duplicate is logged, naming the instance that
/// stopped, and counted. Nothing is lost.
/// </summary>
public sealed class TakeOverTests(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// One Slack for every instance: it keeps what was posted and answers conversations.history/replies with it (with the
    /// messages' metadata); the first post matching <paramref name="stall"/> arrives but its answer never comes, as when
    /// the instance that sent it dies at that moment.
    /// </summary>
    private sealed class OneSlack
    {
        private readonly List<JsonObject> _posted = [];
        private int _stalled;

        public RecordingHandler Handler { get; } = new();

        public TaskCompletionSource Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public OneSlack(Func<HttpRequestMessage, bool> stall)
        {
            Handler
                .On(r => stall(r) && Interlocked.Exchange(ref _stalled, 1) == 0, async (r, ct) =>
                {
                    Keep(r);
                    Arrived.TrySetResult();
                    await Task.Delay(Timeout.Infinite, ct);
                    throw new OperationCanceledException(ct);
                })
                .On("/api/chat.postMessage", r =>
                {
                    Keep(r);
                    return RecordingHandler.Json("""{"ok":true,"channel":"D111","ts":"1700000000.000200"}""");
                })
                .On(r => r.RequestUri!.AbsolutePath is "/api/conversations.history" or "/api/conversations.replies", (_, _) =>
                {
                    lock (_posted)
                    {
                        var messages = new JsonArray([.. _posted.Select(p => (JsonNode)new JsonObject { ["ts"] = "1700000000.000200", ["metadata"] = p["metadata"]?.DeepClone() })]);
                        return Task.FromResult(RecordingHandler.Json(new JsonObject { ["ok"] = true, ["messages"] = messages }.ToJsonString()));
                    }
                });
        }

        private void Keep(HttpRequestMessage request)
        {
            if (request.RequestUri!.AbsolutePath == "/api/chat.postMessage")
            {
                lock (_posted)
                {
                    _posted.Add(JsonNode.Parse(Handler.Body(request))!.AsObject());
                }
            }
        }

        /// <summary>The posts of one delivery (its id in the metadata).</summary>
        public int PostsOf(string deliveryId)
        {
            lock (_posted)
            {
                return _posted.Count(p => (string?)p["metadata"]?["event_payload"]?["delivery_id"] == deliveryId);
            }
        }

        public string? FirstDeliveryId()
        {
            lock (_posted)
            {
                return (string?)_posted.FirstOrDefault()?["metadata"]?["event_payload"]?["delivery_id"];
            }
        }
    }

    private static bool IsPost(HttpRequestMessage r) => r.RequestUri!.AbsolutePath == "/api/chat.postMessage";

    private static bool IsResponseUrl(HttpRequestMessage r) => r.RequestUri!.Host == "hooks.slack.com";

    private static HttpRequestMessage DirectMessage()
    {
        var envelope = JsonNode.Parse(TestData.Read("slack/event_message_im.json"))!.AsObject();
        envelope["event"]!["text"] = "La llamada 1000003 no tiene grabación, ¿por qué?";
        return BotApp.Signed("/slack/events", envelope.ToJsonString(), "application/json");
    }

    private static Dictionary<string, string?> Redis(string prefix, string instance, string? lease = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["State:Provider"] = "Redis",
            ["State:Redis"] = TestRedis.Address,
            ["State:RedisPrefix"] = prefix,
            ["State:InstanceId"] = instance,
        };
        if (lease is not null)
        {
            settings["Outbox:Lease"] = lease;
        }

        return settings;
    }

    /// <summary>Redis, two instances: the one that sent the reply dies before marking it sent; the other takes over.</summary>
    [Fact]
    public async Task TwoInstances_OneDiesAfterPostingAReply_TheOtherFindsItInSlack_AndPostsNothingTwice()
    {
        TestRedis.Connect();
        var prefix = $"ct-takeover:{Guid.NewGuid():N}:";
        var slack = new OneSlack(IsPost);
        var first = new BotApp(Redis(prefix, "instance-a"), slack.Handler);
        using (var client = first.CreateClient())
        {
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(DirectMessage(), Ct)).StatusCode);
        }

        await slack.Arrived.Task.WaitAsync(TimeSpan.FromSeconds(15), Ct);
        // The other instance runs from here on (before, its worker could claim the work first: then it was the one stalled).
        using var second = new BotApp(Redis(prefix, "instance-b"), slack.Handler);
        _ = second.Services;
        var delivery = slack.FirstDeliveryId();
        Assert.NotNull(delivery);

        // It dies: its worker stops with the reply posted and not marked sent, its lease no longer renewed.
        var died = Stopwatch.StartNew();
        first.Dispose();
        while (!second.Logs.Entries.Any(e => e.Message.Contains("had gone out already", StringComparison.Ordinal)))
        {
            Assert.True(died.Elapsed < TimeSpan.FromSeconds(30), "The work was not taken over.");
            await Task.Delay(20, Ct);
        }

        var takeOver = died.Elapsed;
        await second.DrainAsync();
        output.WriteLine($"Taken over {takeOver.TotalSeconds:0.0} s after the instance died (default lease).");

        Assert.Equal(1, slack.PostsOf(delivery));
        Assert.Contains(second.Slack.Requests, r => r.RequestUri!.AbsolutePath == "/api/conversations.replies");
        Assert.DoesNotContain(second.Logs.Entries, e => e.Message.Contains("may have reached", StringComparison.Ordinal));

        // Nothing lost: the survivor answers what comes next.
        using var survivor = second.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await survivor.SendAsync(SlackRequests.SlashCommand("1000004"), Ct)).StatusCode);
        Assert.NotEmpty(await second.WaitForAsync(IsResponseUrl));
        await second.DrainAsync();
    }

    /// <summary>Redis, two instances: a response_url reply cannot be looked for, so it is sent again, said and counted.</summary>
    [Fact]
    public async Task TwoInstances_OneDiesAfterAResponseUrlReply_TheOtherSendsItAgain_SayingAndCountingThePossibleDuplicate()
    {
        TestRedis.Connect();
        var prefix = $"ct-takeover:{Guid.NewGuid():N}:";
        var slack = new OneSlack(IsResponseUrl);
        var first = new BotApp(Redis(prefix, "instance-a", lease: "00:00:03"), slack.Handler);
        using (var client = first.CreateClient())
        {
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(SlackRequests.SlashCommand("1000004"), Ct)).StatusCode);
        }

        await slack.Arrived.Task.WaitAsync(TimeSpan.FromSeconds(15), Ct);
        using var second = new BotApp(Redis(prefix, "instance-b", lease: "00:00:03"), slack.Handler);
        _ = second.Services;
        first.Dispose();
        var sent = await second.WaitForAsync(IsResponseUrl, count: 2, timeoutSeconds: 30);
        await second.DrainAsync();

        Assert.Equal(2, sent.Length);
        Assert.Equal(second.Slack.Body(sent[0]), second.Slack.Body(sent[1]));
        var warning = Assert.Single(second.Logs.Entries, e => e.Message.Contains("may have reached", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("SlackResponseDelivery", warning.Message, StringComparison.Ordinal);
        Assert.Contains("instance-a", warning.Message, StringComparison.Ordinal);
    }

    /// <summary>SQLite, one instance restarted: a process that died is taken back at start, and the reply is found in Slack.</summary>
    [Fact]
    public async Task SqliteRestart_AfterDyingBetweenPostAndMark_FindsTheReplyInSlack_AndPostsNothingTwice()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ct-takeover-{Guid.NewGuid():N}.db");
        // The instance that dies is a process of this machine that no longer runs (a pid no process has), so the restarted
        // instance takes its work back at start, as after a real crash.
        var dead = $"{Environment.MachineName}:{int.MaxValue - 7}:1";
        var slack = new OneSlack(IsPost);
        try
        {
            using (var first = new BotApp(new() { ["State:Provider"] = "Sqlite", ["State:SqlitePath"] = path, ["State:InstanceId"] = dead }, slack.Handler))
            {
                using var client = first.CreateClient();
                Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(DirectMessage(), Ct)).StatusCode);
                await slack.Arrived.Task.WaitAsync(TimeSpan.FromSeconds(15), Ct);
            }

            var delivery = slack.FirstDeliveryId()!;
            using var restarted = new BotApp(new() { ["State:Provider"] = "Sqlite", ["State:SqlitePath"] = path }, slack.Handler);
            _ = restarted.Services;
            await restarted.DrainAsync();

            Assert.Equal(1, slack.PostsOf(delivery));
            Assert.Contains(restarted.Logs.Entries, e => e.Message.Contains("had gone out already", StringComparison.Ordinal) && e.Message.Contains(delivery, StringComparison.Ordinal));
        }
        finally
        {
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        }
    }
}
