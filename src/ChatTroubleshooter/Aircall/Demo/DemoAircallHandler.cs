using System.Net;
using System.Text.Json.Nodes;

namespace ChatTroubleshooter.Aircall.Demo;

/// <summary>
/// Serves the built-in demo calls as if it were the Aircall API, behind the real <see cref="AircallClient"/>,
/// so demo and production share every line above the transport. Call 1000010 is "in progress" for the first
/// <see cref="NotReadyFor"/> after it is first asked for, then finished with a recording.
/// </summary>
internal sealed class DemoAircallHandler(TimeProvider time) : HttpMessageHandler
{
    public const long NotReadyCallId = 1000010;
    public static readonly TimeSpan NotReadyFor = TimeSpan.FromSeconds(10);

    private static readonly JsonObject Data = Load();
    private DateTimeOffset? _notReadyFirstSeen;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var segments = request.RequestUri!.AbsolutePath.Trim('/').Split('/');
        var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri.Query);
        var response = segments switch
        {
            [.., "calls", "search"] => Search(query["user_id"], query["from"], query["to"]),
            [.., "calls"] => Search(null, query["from"], query["to"]),
            [.., "calls", var id] when long.TryParse(id, out var callId) => Call(callId),
            [.., "numbers", var id] when long.TryParse(id, out var numberId) => Number(numberId),
            [.., "numbers"] => List("numbers", Data["numbers"]!.AsArray().Select(n => n!.DeepClone())),
            [.., "users"] => List("users", Users()),
            [.., "users", var id] => Users().FirstOrDefault(u => u["id"]!.ToString() == id) is { } user ? Json(new JsonObject { ["user"] = user }) : null,
            _ => null,
        };
        return Task.FromResult(response ?? new HttpResponseMessage(HttpStatusCode.NotFound)
        {
            Content = new StringContent("""{"error":"Not found","troubleshoot":"Id does not exist"}""", System.Text.Encoding.UTF8, "application/json"),
        });
    }

    private HttpResponseMessage? Call(long id)
    {
        var call = id == NotReadyCallId ? NotReadyCall() : Calls().FirstOrDefault(c => (long)c["id"]! == id);
        return call is null ? null : Json(new JsonObject { ["call"] = call.DeepClone() });
    }

    private HttpResponseMessage? Number(long id)
    {
        var number = Data["numbers"]!.AsArray().FirstOrDefault(n => (long)n!["id"]! == id);
        return number is null ? null : Json(new JsonObject { ["number"] = number.DeepClone() });
    }

    private HttpResponseMessage Search(string? userId, string? from, string? to)
    {
        long.TryParse(from, out var start);
        long.TryParse(to, out var end);
        var calls = new JsonArray(Calls()
            .Where(c => userId is null || (c["user"] is JsonObject user && user["id"]!.ToString() == userId))
            .Where(c => (long)c["started_at"]! >= start && (long)c["started_at"]! <= end)
            .Select(c => c.DeepClone())
            .ToArray());
        return Json(new JsonObject
        {
            ["meta"] = new JsonObject { ["count"] = calls.Count, ["total"] = calls.Count, ["current_page"] = 1, ["per_page"] = 50, ["next_page_link"] = null },
            ["calls"] = calls,
        });
    }

    /// <summary>The demo calls' agents (for an audit by user).</summary>
    private static IEnumerable<JsonNode> Users() =>
        Calls().Select(c => c["user"]).OfType<JsonObject>().DistinctBy(u => u["id"]!.ToString()).Select(u => u.DeepClone());

    private static HttpResponseMessage List(string name, IEnumerable<JsonNode> items)
    {
        var all = new JsonArray(items.ToArray());
        return Json(new JsonObject
        {
            ["meta"] = new JsonObject { ["count"] = all.Count, ["total"] = all.Count, ["current_page"] = 1, ["per_page"] = 50, ["next_page_link"] = null },
            [name] = all,
        });
    }

    private JsonObject NotReadyCall()
    {
        var now = time.GetUtcNow();
        _notReadyFirstSeen ??= now;
        var ready = now - _notReadyFirstSeen.Value >= NotReadyFor;
        var started = _notReadyFirstSeen.Value.AddMinutes(-5).ToUnixTimeSeconds();
        return new JsonObject
        {
            ["id"] = NotReadyCallId,
            ["status"] = ready ? "done" : "answered",
            ["direction"] = "inbound",
            ["started_at"] = started,
            ["answered_at"] = started + 5,
            ["ended_at"] = ready ? started + 125 : null,
            ["recording"] = ready ? "https://example.invalid/demo/1000010.mp3" : null,
            ["asset"] = ready ? "https://assets.aircall.io/calls/1000010/recording" : null,
            ["voicemail"] = null,
            ["number"] = new JsonObject { ["id"] = 2002, ["name"] = "Sales ES" },
            ["user"] = new JsonObject { ["id"] = 510, ["name"] = "Hugo" },
        };
    }

    private static IEnumerable<JsonObject> Calls() => Data["calls"]!.AsArray().Select(c => c!.AsObject());

    private static HttpResponseMessage Json(JsonNode body) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
    };

    private static JsonObject Load()
    {
        using var stream = typeof(DemoAircallHandler).Assembly.GetManifestResourceStream("demo/demo-calls.json")!;
        return JsonNode.Parse(stream)!.AsObject();
    }
}
