using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace ChatTroubleshooter.Tests.Alerts;

/// <summary>
/// A fake Aircall for the alert tests, with the reference pack's payloads: the call (number 1234 "Support", agent John
/// Doe, answered), its number (recording off unless a test says otherwise), and webhook envelopes
/// (<c>webhook_call_created_example.json</c> with <c>event</c> and <c>data</c> adapted, as its README says a
/// <c>call.ended</c> is).
/// </summary>
internal sealed class AlertPeers
{
    public const string Token = "cebcaac65-test-token";
    public const long CallId = 1234567;

    public RecordingHandler Aircall { get; } = new();

    /// <summary>Whether the number records (off: the cause most alerts are about).</summary>
    public bool NumberRecording { get; set; }

    /// <summary>What the fake Aircall answers for the call, changed by a test (e.g. the recording arrives).</summary>
    public JsonObject CallData { get; set; } = Call(talkSeconds: 120);

    /// <summary>What the fake Aircall answers a write (an Insight Card, a tag, a comment); 200 unless a test says otherwise.</summary>
    public HttpStatusCode WriteStatus { get; set; } = HttpStatusCode.OK;

    /// <summary>The next this many comments are kept, but their answer is a 500 (the answer lost after the write was done).</summary>
    public int CommentsLostAfterArrival;

    /// <summary>The call's comments, as Aircall keeps them (the call's <c>comments</c>).</summary>
    public ConcurrentQueue<string> Comments { get; } = new();

    /// <summary>The company's tags, by id.</summary>
    public ConcurrentDictionary<long, string> Tags { get; } = new();

    public AlertPeers()
    {
        Aircall
            .On(r => r.Method == HttpMethod.Post, (r, _) => Task.FromResult(Write(r)))
            .On("/v1/tags", _ => RecordingHandler.Json(new JsonObject
            {
                ["tags"] = new JsonArray([.. Tags.Select(t => (JsonNode)new JsonObject { ["id"] = t.Key, ["name"] = t.Value })]),
                ["meta"] = new JsonObject { ["total"] = Tags.Count, ["current_page"] = 1, ["per_page"] = 50, ["next_page_link"] = null },
            }.ToJsonString()))
            .On("/v1/calls/search", _ => RecordingHandler.Json("""{"meta":{"total":0,"current_page":1,"per_page":50,"next_page_link":null},"calls":[]}"""))
            .On($"/v1/calls/{CallId}", _ => RecordingHandler.Json(new JsonObject { ["call"] = WithComments(CallData) }.ToJsonString()))
            // Other calls of the same number (a burst): the same call under their own id.
            .On("/v1/calls/", r => RecordingHandler.Json(new JsonObject { ["call"] = WithId(CallData, long.Parse(r.RequestUri!.Segments[^1], System.Globalization.CultureInfo.InvariantCulture)) }.ToJsonString()))
            .On("/v1/numbers/1234", _ =>
            {
                var number = JsonNode.Parse(TestData.Read("aircall/number_api_example.json"))!.AsObject();
                number["number"]!["id"] = 1234;
                number["number"]!["name"] = "Support";
                number["number"]!["live_recording_activated"] = NumberRecording;
                return RecordingHandler.Json(number.ToJsonString());
            });
    }

    /// <summary>Requests the bot made to write onto calls (POST), by path.</summary>
    public HttpRequestMessage[] Writes(string pathSuffix) =>
        [.. Aircall.Requests.Where(r => r.Method == HttpMethod.Post && r.RequestUri!.AbsolutePath.EndsWith(pathSuffix, StringComparison.Ordinal))];

    private HttpResponseMessage Write(HttpRequestMessage request)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (WriteStatus != HttpStatusCode.OK)
        {
            return RecordingHandler.Json("""{"error":"Forbidden","troubleshoot":"refused by the test"}""", WriteStatus);
        }

        var body = JsonNode.Parse(Aircall.Body(request));
        if (path == "/v1/tags")
        {
            var id = 900 + Tags.Count;
            Tags[id] = (string)body!["name"]!;
            return RecordingHandler.Json(new JsonObject { ["tag"] = new JsonObject { ["id"] = id, ["name"] = Tags[id] } }.ToJsonString(), HttpStatusCode.Created);
        }

        if (path.EndsWith("/comments", StringComparison.Ordinal))
        {
            Comments.Enqueue((string)body!["content"]!);
            return Interlocked.Decrement(ref CommentsLostAfterArrival) >= 0
                ? RecordingHandler.Status(HttpStatusCode.InternalServerError)
                : RecordingHandler.Json(new JsonObject { ["call"] = WithComments(CallData) }.ToJsonString(), HttpStatusCode.Created);
        }

        return RecordingHandler.Json("{}", path.EndsWith("/insight_cards", StringComparison.Ordinal) ? HttpStatusCode.Created : HttpStatusCode.OK);
    }

    private JsonObject WithComments(JsonObject call)
    {
        var copy = call.DeepClone().AsObject();
        copy["comments"] = new JsonArray([.. Comments.Select((c, i) => (JsonNode)new JsonObject { ["id"] = i + 1, ["content"] = c, ["posted_at"] = 1_700_000_000 })]);
        return copy;
    }

    /// <summary>The settings of a SQLite store in <paramref name="directory"/>: two apps made with them one after the other are a restart.</summary>
    public static Dictionary<string, string?> WithSqlite(Dictionary<string, string?> settings, DirectoryInfo directory)
    {
        settings["State:Provider"] = "Sqlite";
        settings["State:SqlitePath"] = Path.Combine(directory.FullName, "state.db");
        return settings;
    }

    /// <summary>An app whose Aircall is this fake, with its credentials and webhook tokens (unless <paramref name="tokens"/> is false).</summary>
    public BotApp App(Dictionary<string, string?> settings, bool tokens = true)
    {
        settings["Aircall:ApiId"] = "id123";
        settings["Aircall:ApiToken"] = "secret-token";
        if (tokens)
        {
            settings["Aircall:WebhookTokens:0"] = "an-older-token";
            settings["Aircall:WebhookTokens:1"] = Token;
        }

        return new BotApp(settings) { TestServices = s => s.AddHttpClient<AircallClient>().ConfigurePrimaryHttpMessageHandler(() => Aircall) };
    }

    /// <summary>The reference pack's call, answered, with this much talk.</summary>
    public static JsonObject Call(int talkSeconds, string? recording = null)
    {
        var call = JsonNode.Parse(TestData.Read("aircall/call_api_example.json"))!["call"]!.AsObject();
        call["id"] = CallId; // a call id as agents paste them (the example's 812 is too short to be read as one)
        var answered = (long)call["answered_at"]!;
        call["ended_at"] = answered + talkSeconds;
        call["duration"] = talkSeconds + 6;
        call["recording"] = recording;
        call["asset"] = recording;
        return call;
    }

    public static JsonObject WithId(JsonObject call, long id)
    {
        var copy = call.DeepClone().AsObject();
        copy["id"] = id;
        return copy;
    }

    public static StringContent Webhook(string name, JsonNode data, string token = Token)
    {
        var envelope = JsonNode.Parse(TestData.Read("aircall/webhook_call_created_example.json"))!.AsObject();
        envelope["event"] = name;
        envelope["resource"] = name.Split('.')[0];
        envelope["token"] = token;
        envelope["data"] = data.DeepClone();
        return new StringContent(envelope.ToJsonString(), Encoding.UTF8, "application/json");
    }
}
