using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Web;
using ChatTroubleshooter.Tests.Fakes;

namespace ChatTroubleshooter.Tests.Audit;

/// <summary>
/// A fake Aircall company for audits, built from the reference pack's call and number payloads: 1,200 calls over the
/// last 7 days across 3 numbers and 4 agents. Recording was switched off on number 101 four days ago (its answered
/// calls since have none; Aircall shows the switch off today); every 20th call was not answered and the next one lasted
/// 3 s; some calls on the other numbers started while the same agent was on another (no recording). It pages <c>/v1/calls</c> and
/// <c>/v1/calls/search</c> as Aircall does (50 per page, oldest first, <c>meta</c>), and records every page asked.
/// </summary>
internal sealed class AuditCompany
{
    public const long Recordingless = 101;
    public static readonly long[] NumberIds = [101, 102, 103];
    public static readonly (long Id, string Name, string Email)[] Agents =
        [(1, "Ana", "ana@example.com"), (2, "Ben", "ben@example.com"), (3, "Chloé", "chloe@example.com"), (4, "Dev", "dev@example.com")];

    public RecordingHandler Handler { get; } = new();

    public List<JsonObject> Calls { get; } = [];

    /// <summary>Every page asked: (path without query, from, to, page, user), in order, with when.</summary>
    public ConcurrentQueue<(string Path, long From, long To, int Page, string? User, DateTime At)> Pages { get; } = new();

    /// <summary>Ground truth, per call id: what the audit should find.</summary>
    public Dictionary<long, string> Truth { get; } = [];

    public DateTimeOffset SwitchedOff { get; }

    public AuditCompany(DateTimeOffset now, int count = 1200)
    {
        var template = JsonNode.Parse(TestData.Read("aircall/call_api_example.json"))!["call"]!.AsObject();
        var start = now.AddDays(-7).AddMinutes(5).ToUnixTimeSeconds();
        SwitchedOff = now.AddDays(-4);
        var lastByAgent = new Dictionary<long, long>();
        // Spread evenly over the 7 days.
        var spacing = 7 * 86400L / count - 1;
        for (var i = 0; i < count; i++)
        {
            var number = NumberIds[i % 3];
            var agent = Agents[i / 3 % 4];
            var started = start + i * spacing;
            var kind = "healthy";
            long? answered = started + 10;
            var talk = 120L;
            if (i % 20 == 0)
            {
                kind = "not-answered";
                answered = null;
            }
            else if (i % 20 == 1)
            {
                kind = "too-short";
                talk = 3;
            }
            else if (number == Recordingless && started >= SwitchedOff.ToUnixTimeSeconds())
            {
                kind = "recording-disabled";
            }
            else if (i % 50 == 7 && number != Recordingless && lastByAgent.TryGetValue(agent.Id, out var previous))
            {
                // Started while the agent's previous call (120 s of talk) was still going.
                kind = "parallel-call";
                started = previous + 40;
                answered = started + 5;
            }

            var call = template.DeepClone().AsObject();
            call["id"] = 5_000_000L + i;
            call["direction"] = i % 2 == 0 ? "inbound" : "outbound";
            call["status"] = "done";
            call["started_at"] = started;
            call["answered_at"] = answered;
            call["ended_at"] = (answered ?? started + 20) + (answered is null ? 0 : talk);
            call["duration"] = (answered is null ? 20 : 10 + talk);
            call["recording"] = kind == "healthy" ? $"https://example.test/recordings/{i}.mp3" : null;
            call["asset"] = call["recording"]?.DeepClone();
            call["voicemail"] = null;
            call["missed_call_reason"] = answered is null ? "no_available_agent" : null;
            call["user"] = new JsonObject { ["id"] = agent.Id, ["name"] = agent.Name, ["email"] = agent.Email };
            call["number"]!["id"] = number;
            call["number"]!["name"] = $"Line {number}";
            Calls.Add(call);
            Truth[5_000_000 + i] = kind;
            if (kind != "parallel-call")
            {
                lastByAgent[agent.Id] = started;
            }
        }

        Calls.Sort((a, b) => ((long)a["started_at"]!).CompareTo((long)b["started_at"]!));
        Handler
            .On("/v1/calls/search", r => Page(r, Calls.Where(c => (long)c["user"]!["id"]! == long.Parse(Query(r)["user_id"]!, CultureInfo.InvariantCulture))))
            .On("/v1/calls?", r => Page(r, Calls))
            .On("/v1/users?", r => List(r, "users", Agents.Select(a => (JsonNode)new JsonObject { ["id"] = a.Id, ["name"] = a.Name, ["email"] = a.Email })))
            .On("/v1/users/", r => long.Parse(r.RequestUri!.Segments[^1], CultureInfo.InvariantCulture) is var id && Agents.FirstOrDefault(a => a.Id == id) is { Id: > 0 } agent
                ? RecordingHandler.Json(new JsonObject { ["user"] = new JsonObject { ["id"] = agent.Id, ["name"] = agent.Name, ["email"] = agent.Email } }.ToJsonString())
                : RecordingHandler.Status(System.Net.HttpStatusCode.NotFound))
            .On("/v1/numbers?", r => List(r, "numbers", NumberIds.Select(Number)))
            .On("/v1/numbers/", r => long.Parse(r.RequestUri!.Segments[^1], CultureInfo.InvariantCulture) is var id && NumberIds.Contains(id)
                ? RecordingHandler.Json(new JsonObject { ["number"] = Number(id) }.ToJsonString())
                : RecordingHandler.Status(System.Net.HttpStatusCode.NotFound));
    }

    private static JsonNode Number(long id)
    {
        var number = JsonNode.Parse(TestData.Read("aircall/number_api_example.json"))!["number"]!.DeepClone().AsObject();
        number["id"] = id;
        number["name"] = $"Line {id}";
        number["digits"] = $"+33 1 76 00 0{id}";
        number["live_recording_activated"] = id != Recordingless;
        return number;
    }

    private static System.Collections.Specialized.NameValueCollection Query(HttpRequestMessage r) => HttpUtility.ParseQueryString(r.RequestUri!.Query);

    /// <summary>The time the fake spent building pages (synchronous work: CPU), to tell the audit's own CPU from Aircall's.</summary>
    public TimeSpan Serving => TimeSpan.FromTicks(Interlocked.Read(ref _servingTicks));

    private long _servingTicks;

    private HttpResponseMessage Page(HttpRequestMessage r, IEnumerable<JsonObject> calls)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            return BuildPage(r, calls);
        }
        finally
        {
            Interlocked.Add(ref _servingTicks, clock.Elapsed.Ticks);
        }
    }

    private HttpResponseMessage BuildPage(HttpRequestMessage r, IEnumerable<JsonObject> calls)
    {
        var q = Query(r);
        long from = long.Parse(q["from"]!, CultureInfo.InvariantCulture), to = long.Parse(q["to"]!, CultureInfo.InvariantCulture);
        var page = int.Parse(q["page"] ?? "1", CultureInfo.InvariantCulture);
        var perPage = int.Parse(q["per_page"] ?? "20", CultureInfo.InvariantCulture);
        Pages.Enqueue((r.RequestUri!.AbsolutePath, from, to, page, q["user_id"], DateTime.UtcNow));
        var window = Window(calls, from, to);
        var items = window.Skip((page - 1) * perPage).Take(perPage).Select(c => (JsonNode)c.DeepClone()).ToArray();
        return RecordingHandler.Json(new JsonObject
        {
            ["meta"] = new JsonObject
            {
                ["count"] = items.Length,
                ["total"] = window.Count,
                ["current_page"] = page,
                ["per_page"] = perPage,
                ["next_page_link"] = page * perPage < window.Count ? $"https://api.aircall.io/v1/calls?page={page + 1}" : null,
                ["previous_page_link"] = null,
            },
            ["calls"] = new JsonArray(items),
        }.ToJsonString());
    }

    /// <summary>The calls started in [from, to], found by binary search when they are all the company's (sorted by start).</summary>
    private IReadOnlyList<JsonObject> Window(IEnumerable<JsonObject> calls, long from, long to)
    {
        if (!ReferenceEquals(calls, Calls))
        {
            return calls.Where(c => (long)c["started_at"]! >= from && (long)c["started_at"]! <= to).ToList();
        }

        _starts ??= [.. Calls.Select(c => (long)c["started_at"]!)];
        int First(long at, bool after)
        {
            var i = Array.BinarySearch(_starts, at);
            if (i < 0)
            {
                return ~i;
            }

            // The first (or, after, the last + 1) of equal starts.
            while (!after && i > 0 && _starts[i - 1] == at)
            {
                i--;
            }

            while (after && i < _starts.Length && _starts[i] == at)
            {
                i++;
            }

            return i;
        }

        var start = First(from, after: false);
        return Calls.GetRange(start, Math.Max(0, First(to, after: true) - start));
    }

    private long[]? _starts;

    private static HttpResponseMessage List(HttpRequestMessage r, string name, IEnumerable<JsonNode> all)
    {
        var page = int.Parse(Query(r)["page"] ?? "1", CultureInfo.InvariantCulture);
        var items = all.Skip((page - 1) * 50).Take(50).ToArray();
        return RecordingHandler.Json(new JsonObject
        {
            ["meta"] = new JsonObject { ["count"] = items.Length, ["total"] = all.Count(), ["current_page"] = page, ["per_page"] = 50, ["next_page_link"] = null },
            [name] = new JsonArray(items),
        }.ToJsonString());
    }
}
