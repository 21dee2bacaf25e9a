using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Tests.Fakes;
using Microsoft.Extensions.Logging;

namespace ChatTroubleshooter.Tests.Fuzz;

/// <summary>
/// Malformed bodies, correctly signed (Slack) or with a valid Bot Framework token (Teams), against every endpoint of
/// the real bot on Kestrel: wrong types on every field, nulls, missing fields, deep nesting, huge strings, broken JSON,
/// broken form encoding. Not one may get a 5xx or leave an exception in the log, and the bot must answer normally after.
/// The generator is seeded: a failure is reproducible.
/// </summary>
[Collection(nameof(EndpointFuzzTests))]
public sealed class EndpointFuzzTests : IDisposable
{
    private const int PerEndpoint = 2_600;
    private const int Seed = 20261201;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("fuzz-");
    private readonly BotApp _app;
    private readonly BotFrameworkFake _botFramework;

    public EndpointFuzzTests()
    {
        var settings = BotFrameworkFake.Settings;
        settings["State:Provider"] = "Sqlite";
        settings["State:SqlitePath"] = Path.Combine(_directory.FullName, "state.db");
        settings["State:SqliteSynchronous"] = "Normal";
        settings["Aircall:WebhookTokens:0"] = AircallToken;
        settings["Alerts:AssetsGrace"] = "00:00:00";
        settings["Alerts:SlackChannel"] = "C0ALERTS";
        _app = new BotApp(settings);
        _botFramework = new BotFrameworkFake(_app.Teams);
        _app.UseKestrel(0);
        _app.StartServer();
    }

    public void Dispose()
    {
        _app.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MalformedBodies_SignedOrTokened_NeverGetA5xx_AndTheBotStaysHealthy()
    {
        using var client = _app.CreateClient();
        var random = new Random(Seed);
        var token = _botFramework.Token();
        var requests = new List<(string Endpoint, Func<HttpRequestMessage> Make)>();
        for (var i = 0; i < PerEndpoint; i++)
        {
            requests.Add(("/slack/commands", Signer("/slack/commands", CommandBody(random), SlackRequests.Form)));
            requests.Add(("/slack/events", Signer("/slack/events", JsonBody(random, SlackEvents), "application/json")));
            requests.Add(("/slack/interactions", Signer("/slack/interactions", InteractionBody(random), SlackRequests.Form)));
            requests.Add(("/api/messages", Teams(JsonBody(random, TeamsActivities), token)));
            requests.Add(("/aircall/webhooks", Plain("/aircall/webhooks", JsonBody(random, AircallWebhooks))));
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<(string, int), int>();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Ct }, async (r, ct) =>
        {
            using var request = r.Make();
            // As a proxy would: the body follows only once the server asked for it, so a refusal before reading
            // (a 413 for a declared length over the limit) reaches the client instead of a reset mid-upload.
            request.Headers.ExpectContinue = true;
            using var response = await client.SendAsync(request, ct);
            statuses.AddOrUpdate((r.Endpoint, (int)response.StatusCode), 1, (_, n) => n + 1);
        });
        await _app.DrainAsync(timeoutSeconds: 60);
        var after = GC.GetTotalMemory(forceFullCollection: true);

        var summary = string.Join("\n", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key.Item1} {s.Key.Item2}: {s.Value}"));
        TestContext.Current.TestOutputHelper?.WriteLine($"{requests.Count} requests\n{summary}\nmanaged heap {before / 1048576.0:F1} MB → {after / 1048576.0:F1} MB");
        Assert.True(requests.Count >= 10_000);
        Assert.DoesNotContain(statuses, s => s.Key.Item2 >= 500);
        // Many kinds of refusal happened, and some bodies were still good enough to be worked on.
        Assert.Contains(statuses, s => s.Key.Item2 == 400);
        Assert.Contains(statuses, s => s.Key.Item2 == 413);
        Assert.Contains(statuses, s => s.Key.Item2 == 200);
        Assert.DoesNotContain(_app.Logs.Entries, e => e.Exception is not null || e.Level >= LogLevel.Error);
        Assert.True(after - before < 128 * 1048576, $"managed heap grew by {(after - before) / 1048576.0:F1} MB");

        // Still healthy: ready, and a normal request is answered end to end.
        var ready = JsonNode.Parse(await client.GetStringAsync("/readyz", Ct))!;
        Assert.Equal("Healthy", (string?)ready["status"]);
        var answered = _app.Slack.Requests.Count(r => r.RequestUri!.Host == "hooks.slack.com");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(BotApp.Signed("/slack/commands", SlackRequests.SlashCommandBody("1000004"), SlackRequests.Form), Ct)).StatusCode);
        var replies = await _app.WaitForAsync(r => r.RequestUri!.Host == "hooks.slack.com", count: answered + 1);
        Assert.Contains(replies, r => _app.Slack.Body(r).Contains("cause:too-short", StringComparison.Ordinal));
    }

    internal static readonly JsonObject[] SlackEvents =
    [
        Fixture("slack/event_app_mention.json"), Fixture("slack/event_message_im.json"), Fixture("slack/url_verification.json"),
        Fixture("slack/event_app_mention_inner_edited.json"), Fixture("slack/event_message_from_app_bot.json"),
        LinkShared(),
    ];

    /// <summary>Slack's documented link_shared envelope with an Aircall call link (issue 34).</summary>
    private static JsonObject LinkShared()
    {
        var envelope = Fixture("slack/event_link_shared.json");
        envelope["event"]!["links"] = new JsonArray(new JsonObject { ["domain"] = "dashboard.aircall.io", ["url"] = "https://dashboard.aircall.io/calls/1000001" });
        return envelope;
    }

    /// <summary>The token of the fixtures' webhook, configured: the fuzzed envelopes get past it and are read.</summary>
    private const string AircallToken = "cebcaac65XXXXXXXXXx";

    private static readonly JsonObject[] AircallWebhooks = [.. new[] { "call.ended", "call.comm_assets_generated", "number.deleted", "call.created", "call.answered" }.Select(name =>
    {
        var envelope = Fixture("aircall/webhook_call_created_example.json");
        envelope["event"] = name;
        var call = Fixture("aircall/call_api_example.json")["call"]!.DeepClone().AsObject();
        call["recording"] = null;
        envelope["data"] = call;
        return envelope;
    })];

    internal static readonly JsonObject[] TeamsActivities =
    [
        Teams("docs_message-personal.json"), Teams("playground_message-channel-with-bot-mention.json"),
        Teams("playground_invoke-adaptiveCard-action-personal.json"), Teams("playground_message-value-from-Action.Submit-personal.json"),
        Teams("docs_conversationUpdate-bot-added-to-team.json"), Teams("playground_installationUpdate-add-personal.json"),
        Teams("teamsnet_invoke-adaptiveCard-action-personal.json"),
        BotFrameworkFake.Activity("playground_invoke-adaptiveCard-action-personal.json", a =>
        {
            a["name"] = "composeExtension/queryLink";
            a["value"] = new JsonObject { ["url"] = "https://dashboard.aircall.io/calls/1000001" };
        }),
        BotFrameworkFake.Activity("playground_invoke-adaptiveCard-action-personal.json", a =>
        {
            a["name"] = "composeExtension/submitAction";
            a["value"] = new JsonObject
            {
                ["commandId"] = "whyNoRecording",
                ["commandContext"] = "message",
                ["messagePayload"] = new JsonObject { ["id"] = "1", ["body"] = new JsonObject { ["contentType"] = "html", ["content"] = "<p>call 1000004</p>" } },
            };
        }),
    ];

    private static readonly JsonObject Interaction = Fixture("slack/block_actions_with_state.json");

    /// <summary>The shortcut and modal payloads (issue 34), fuzzed like the clicks.</summary>
    private static readonly JsonObject[] Shortcuts = [ShortcutFixture("message_action_bolt_python.json", "why_no_recording"),
        ShortcutFixture("shortcut_bolt_python.json", "why_no_recording_modal"), ModalFixture()];

    private static JsonObject ShortcutFixture(string file, string callbackId)
    {
        var payload = Fixture("slack/" + file);
        payload["callback_id"] = callbackId;
        return payload;
    }

    private static JsonObject ModalFixture()
    {
        var payload = Fixture("slack/view_submission.json");
        payload["view"]!["callback_id"] = "norecording_modal";
        payload["view"]!["state"] = new JsonObject { ["values"] = new JsonObject { ["call"] = new JsonObject { ["call"] = new JsonObject { ["value"] = "1000004" } } } };
        payload["response_urls"] = new JsonArray(new JsonObject { ["block_id"] = "where", ["channel_id"] = "C111", ["response_url"] = "https://hooks.slack.com/x" });
        return payload;
    }

    private static JsonObject Fixture(string path) => JsonNode.Parse(TestData.Read(path))!.AsObject();

    private static JsonObject Teams(string fixture) => BotFrameworkFake.Activity(fixture);

    private static Func<HttpRequestMessage> Signer(string path, byte[] body, string contentType) => () => BotApp.Signed(path, body, contentType);

    private static Func<HttpRequestMessage> Plain(string path, byte[] body) => () =>
        new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } } };

    private static Func<HttpRequestMessage> Teams(byte[] body, string token) => () =>
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    };

    /// <summary>A fixture with 1–3 fields changed or removed (most bodies), or JSON that is broken, deep or too big.</summary>
    internal static byte[] JsonBody(Random random, JsonObject[] fixtures)
    {
        var fixture = fixtures[random.Next(fixtures.Length)];
        return random.Next(10) switch
        {
            < 7 => Encoding.UTF8.GetBytes(Mutate(fixture, random).ToJsonString()),
            7 => Broken(Encoding.UTF8.GetBytes(fixture.ToJsonString()), random),
            8 => Encoding.UTF8.GetBytes(new string('[', random.Next(65, 5_000)) + new string(']', random.Next(0, 65))),
            _ => Encoding.UTF8.GetBytes(random.Next(2) == 0 ? new string(' ', 300 * 1024) + "{}" : "\"" + new string('x', 200 * 1024) + "\""),
        };
    }

    internal static byte[] CommandBody(Random random)
    {
        var fields = System.Web.HttpUtility.ParseQueryString(SlackRequests.SlashCommandBody("1000004"));
        var pairs = fields.AllKeys.Select(k => (Key: k!, Value: fields[k] ?? "")).ToList();
        for (var n = random.Next(1, 4); n > 0 && pairs.Count > 0; n--)
        {
            var i = random.Next(pairs.Count);
            switch (random.Next(5))
            {
                case 0: pairs.RemoveAt(i); break;
                case 1: pairs[i] = (pairs[i].Key, WeirdText(random)); break;
                case 2: pairs.Add(pairs[i]); break;
                case 3: pairs[i] = (pairs[i].Key + "%zz", pairs[i].Value); break;
                default: pairs[i] = (pairs[i].Key, ""); break;
            }
        }

        var body = Encoding.UTF8.GetBytes(string.Join('&', pairs.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}")));
        return random.Next(5) == 0 ? Broken(body, random) : body;
    }

    internal static byte[] InteractionBody(Random random)
    {
        if (random.Next(3) == 0)
        {
            var shortcut = Shortcuts[random.Next(Shortcuts.Length)];
            var mutated = random.Next(4) == 0 ? shortcut.ToJsonString() : Mutate(shortcut, random).ToJsonString();
            return Encoding.UTF8.GetBytes("payload=" + Uri.EscapeDataString(mutated));
        }

        var payload = Interaction.DeepClone().AsObject();
        payload["actions"] = new JsonArray(new JsonObject
        {
            ["action_id"] = "answer:answered:yes",
            ["type"] = "button",
            ["value"] = random.Next(2) == 0
                ? ButtonValues.ToText(new AnswerButton("slack:T1:C1:U1", "gone", "answered", "yes"))
                : ButtonValues.ToText(new FeedbackButton("d1a9", random.Next(2) == 0)),
        });
        var json = random.Next(4) == 0 ? Encoding.UTF8.GetString(JsonBody(random, [payload])) : Mutate(payload, random).ToJsonString();
        var body = Encoding.UTF8.GetBytes((random.Next(10) == 0 ? "payloads=" : "payload=") + Uri.EscapeDataString(json));
        return random.Next(6) == 0 ? Broken(body, random) : body;
    }

    /// <summary>A copy with 1–3 random nodes replaced by a value of another type (or removed).</summary>
    private static JsonNode Mutate(JsonObject fixture, Random random)
    {
        JsonNode root = fixture.DeepClone();
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            var nodes = Nodes(root).ToList();
            var (parent, key, index) = nodes[random.Next(nodes.Count)];
            var weird = Weird(random);
            switch (parent)
            {
                case JsonObject o when random.Next(4) == 0:
                    o.Remove(key!);
                    break;
                case JsonObject o:
                    o[key!] = weird;
                    break;
                case JsonArray a:
                    a[index] = weird;
                    break;
                default:
                    root = weird ?? JsonValue.Create(0);
                    break;
            }
        }

        return root;
    }

    private static IEnumerable<(JsonNode? Parent, string? Key, int Index)> Nodes(JsonNode root)
    {
        yield return (null, null, 0);
        var stack = new Stack<JsonNode>([root]);
        while (stack.TryPop(out var node))
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (key, value) in o)
                    {
                        yield return (o, key, 0);
                        if (value is not null) stack.Push(value);
                    }

                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        yield return (a, null, i);
                        if (a[i] is { } item) stack.Push(item);
                    }

                    break;
            }
        }
    }

    private static JsonNode? Weird(Random random) => random.Next(12) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(-5, 6)),
        2 => JsonValue.Create(-1.5e308),
        3 => JsonValue.Create(random.Next(2) == 0),
        4 => new JsonObject { ["id"] = 5 },
        5 => new JsonArray(1, "a", null, new JsonObject()),
        6 => JsonValue.Create(new string('A', random.Next(1_000, 100_000))),
        7 => Deep(random.Next(10, 80)),
        8 => JsonValue.Create("\u0000\uD800<@U123>*_`&<>%"),
        9 => JsonValue.Create(long.MaxValue),
        10 => JsonValue.Create(""),
        _ => JsonValue.Create(WeirdText(random)),
    };

    private static JsonNode Deep(int depth)
    {
        JsonNode node = new JsonObject();
        for (var i = 0; i < depth; i++)
        {
            node = i % 2 == 0 ? new JsonArray(node) : new JsonObject { ["x"] = node };
        }

        return node;
    }

    private static string WeirdText(Random random) => random.Next(6) switch
    {
        0 => "1000004",
        1 => "https://evil.example/" + new string('a', random.Next(10, 3000)),
        2 => "%E2%82",
        3 => "\uFFFF\u200B" + new string('€', random.Next(1, 500)),
        4 => "<@U0LAN0Z89> 1000004 ```",
        _ => "null",
    };

    /// <summary>Truncated, a byte flipped, invalid UTF-8 inserted, or cut into a percent escape.</summary>
    private static byte[] Broken(byte[] body, Random random)
    {
        if (body.Length == 0)
        {
            return [0xFF];
        }

        var at = random.Next(body.Length);
        return random.Next(4) switch
        {
            0 => body[..at],
            1 => [.. body[..at], (byte)random.Next(256), .. body[(at + 1)..]],
            2 => [.. body[..at], 0xC3, 0x28, 0xFF, .. body[at..]],
            _ => [.. body[..at], (byte)'%', .. body[at..]],
        };
    }
}

/// <summary>The fuzz test runs alone: its heap figure is the whole process's, so no other test may allocate meanwhile.</summary>
[CollectionDefinition(nameof(EndpointFuzzTests), DisableParallelization = true)]
public sealed class EndpointFuzzCollection;
