using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

// Load test tools (run by tests/load/load-test.sh, never by the tests):
//   serve --urls http://127.0.0.1:P      baseline endpoint, Bot Framework stand-in, fake Connector (see Serve.cs)
//   baseline --urls http://127.0.0.1:P   the baseline endpoint alone, on the default builder (as `dotnet new web`)
//   sign --secret S --count N --out F     N really signed slash commands (fresh timestamps) for wrk, one per line
//   e2e --bot URL --serve URL --count N   Teams messages with demo call ids: time from ack to the posted answer
//   incall --bot URL --serve URL --count N --webhook TOKEN [--numbers 5]: call.answered webhooks on numbers whose
//     recording is off (the serve tool plays Aircall): time from the webhook to the Insight Card reaching Aircall,
//     and Aircall requests per warned call
//   unfurl --bot URL --serve URL --secret S --count N --calls K: signed link_shared events, N links to K calls (the
//     serve tool plays Aircall and Slack): time from the event to chat.unfurl, for a call's first link and for the
//     cached ones after it, and Aircall requests per unfurl
//   (default) --url URL --secret S [--seconds 10] [--concurrency 32] [--rate 0 | requests/s]: ack latency of
//   signed slash commands, optionally at a fixed rate
// With --webhook TOKEN: Aircall call.ended webhooks (an answered 2 min call without a recording, a new call id each: a
// check planned after the grace delay, stored durably) instead of slash commands.
var webhookToken = Arg("--webhook", "");
var url = Arg("--url", "http://127.0.0.1:5080").TrimEnd('/') + (webhookToken.Length > 0 ? "/aircall/webhooks" : "/slack/commands");
var callIds = 10_000_000L;
var secret = Encoding.UTF8.GetBytes(Arg("--secret", "load-test-secret"));
var seconds = int.Parse(Arg("--seconds", "10"), CultureInfo.InvariantCulture);
var concurrency = int.Parse(Arg("--concurrency", "32"), CultureInfo.InvariantCulture);
var rate = int.Parse(Arg("--rate", "0"), CultureInfo.InvariantCulture);
var warmup = int.Parse(Arg("--warmup", "3"), CultureInfo.InvariantCulture);

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(10) });

if (args.Length > 0 && args[0] == "baseline")
{
    await Serve.RunDefaultBaselineAsync(args[1..]);
    return 0;
}

if (args.Length > 0 && args[0] == "serve")
{
    await Serve.RunAsync(args[1..]);
    return 0;
}

if (args.Length > 0 && args[0] == "sign")
{
    return SignToFile();
}

if (args.Length > 0 && args[0] == "replay")
{
    // Sends every signed request of a file once.
    var lines = await File.ReadAllLinesAsync(Arg("--file", "signed.txt"));
    var failed = 0;
    await Parallel.ForEachAsync(lines, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (line, ct) =>
    {
        var parts = line.Split('\t', 3);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(parts[2], Encoding.UTF8, "application/x-www-form-urlencoded") };
        request.Headers.Add("X-Slack-Request-Timestamp", parts[0]);
        request.Headers.Add("X-Slack-Signature", parts[1]);
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode != HttpStatusCode.OK) Interlocked.Increment(ref failed);
    });
    Console.WriteLine($"replayed {lines.Length} signed requests, {failed} failed");
    return failed == 0 ? 0 : 1;
}

if (args.Length > 0 && args[0] == "e2e")
{
    return await EndToEndAsync();
}

if (args.Length > 0 && args[0] == "incall")
{
    return await InCallAsync();
}

if (args.Length > 0 && args[0] == "unfurl")
{
    return await UnfurlAsync();
}


await RunAsync(TimeSpan.FromSeconds(warmup), record: false);
var (latencies, errors, elapsed) = await RunAsync(TimeSpan.FromSeconds(seconds), record: true);

latencies.Sort();
double P(double q) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{(webhookToken.Length > 0 ? "Aircall webhooks" : "signed slash commands")}: {latencies.Count} ok, {errors} errors in {elapsed.TotalSeconds:0.0} s = {latencies.Count / elapsed.TotalSeconds:0} req/s " +
    $"(concurrency {concurrency}, rate {(rate == 0 ? "max" : rate + "/s")})"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"ack latency ms: p50 {P(0.50):0.00}  p90 {P(0.90):0.00}  p99 {P(0.99):0.00}  max {P(1.0):0.00}"));
return errors == 0 ? 0 : 1;

async Task<(List<double> Latencies, int Errors, TimeSpan Elapsed)> RunAsync(TimeSpan duration, bool record)
{
    var all = new List<double>[concurrency];
    var errorCount = 0;
    var clock = Stopwatch.StartNew();
    var sent = 0L;
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
    {
        var mine = all[worker] = new List<double>(100_000);
        while (clock.Elapsed < duration)
        {
            if (rate > 0)
            {
                // Open-model pacing: request n is due at n / rate seconds.
                var n = Interlocked.Increment(ref sent);
                var due = TimeSpan.FromSeconds((double)n / rate);
                if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
                if (clock.Elapsed >= duration) break;
            }

            using var request = Signed(worker);
            var start = Stopwatch.GetTimestamp();
            try
            {
                using var response = await http.SendAsync(request);
                if (response.StatusCode != HttpStatusCode.OK) Interlocked.Increment(ref errorCount);
                else if (record) mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref errorCount);
            }
        }
    }));
    return (all.SelectMany(l => l).ToList(), errorCount, clock.Elapsed);
}

int SignToFile()
{
    var count = int.Parse(Arg("--count", "20000"), CultureInfo.InvariantCulture);
    var text = Arg("--text", "1000004");
    using var writer = new StreamWriter(Arg("--out", "signed.txt"));
    var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
    for (var i = 0; i < count; i++)
    {
        var body = $"token=x&team_id=T111&channel_id=C111&user_id=U{i:D6}&command=%2Fnorecording&text={Uri.EscapeDataString(text)}" +
                   $"&response_url=https%3A%2F%2Fload-test.invalid%2Fcommands%2F{i}&trigger_id={i}.{Guid.NewGuid():N}";
        var mac = HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes($"v0:{ts}:{body}"));
        writer.Write(ts);
        writer.Write('\t');
        writer.Write("v0=" + Convert.ToHexStringLower(mac));
        writer.Write('\t');
        writer.WriteLine(body);
    }

    return 0;
}

async Task<int> EndToEndAsync()
{
    var bot = Arg("--bot", "http://127.0.0.1:5081").TrimEnd('/');
    var serve = Arg("--serve", "http://127.0.0.1:5082").TrimEnd('/');
    var count = int.Parse(Arg("--count", "200"), CultureInfo.InvariantCulture);
    var parallel = int.Parse(Arg("--concurrency", "8"), CultureInfo.InvariantCulture);
    var times = new System.Collections.Concurrent.ConcurrentBag<double>();
    var failures = 0;
    using var gate = new SemaphoreSlim(parallel);
    await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
    {
        await gate.WaitAsync();
        try
        {
            var conversation = $"e2e-{i}-{Guid.NewGuid():N}";
            var activity = $$"""
                {"type":"message","id":"{{Guid.NewGuid():N}}","channelId":"msteams","serviceUrl":"{{serve}}/",
                 "from":{"id":"29:user{{i}}"},"recipient":{"id":"28:bot"},"conversation":{"id":"{{conversation}}","conversationType":"personal"},
                 "locale":"en-US","text":"why has call 100000{{(i % 2 == 0 ? 4 : 6)}} no recording?"}
                """;
            var start = Stopwatch.GetTimestamp();
            using var response = await http.PostAsync(bot + "/api/messages", new StringContent(activity, Encoding.UTF8, "application/json"));
            for (var poll = 0; poll < 400; poll++)
            {
                using var reply = await http.GetAsync($"{serve}/replies/{conversation}");
                if (reply.IsSuccessStatusCode)
                {
                    var at = long.Parse(await reply.Content.ReadAsStringAsync(), CultureInfo.InvariantCulture);
                    times.Add(Stopwatch.GetElapsedTime(start, at).TotalMilliseconds);
                    return;
                }

                await Task.Delay(5);
            }

            Interlocked.Increment(ref failures);
        }
        finally
        {
            gate.Release();
        }
    }));

    var sorted = times.Order().ToList();
    double Q(double q) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"full diagnosis, Teams message to posted answer: {sorted.Count} ok, {failures} missing; ms p50 {Q(0.5):0.0}  p95 {Q(0.95):0.0}  max {Q(1):0.0}"));
    return failures == 0 ? 0 : 1;
}

HttpRequestMessage Signed(int worker)
{
    if (webhookToken.Length > 0)
    {
        var id = Interlocked.Increment(ref callIds);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var json = new System.Text.Json.Nodes.JsonObject
        {
            ["resource"] = "call",
            ["event"] = "call.ended",
            ["timestamp"] = now,
            ["token"] = webhookToken,
            ["data"] = new System.Text.Json.Nodes.JsonObject
            {
                ["id"] = id,
                ["status"] = "done",
                ["direction"] = "inbound",
                ["started_at"] = now - 130,
                ["answered_at"] = now - 125,
                ["ended_at"] = now - 5,
                ["recording"] = null,
                ["number"] = new System.Text.Json.Nodes.JsonObject { ["id"] = 1234 },
            },
        }.ToJsonString();
        return new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
    }

    var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
    var body = $"token=x&team_id=T111&channel_id=C111&user_id=U{worker:D4}&command=%2Fnorecording&text=1000004" +
               $"&response_url=https%3A%2F%2Fload-test.invalid%2Fcommands%2F1&trigger_id={Guid.NewGuid():N}";
    var mac = HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes($"v0:{ts}:{body}"));
    var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded") };
    request.Headers.Add("X-Slack-Request-Timestamp", ts);
    request.Headers.Add("X-Slack-Signature", "v0=" + Convert.ToHexStringLower(mac));
    return request;
}

string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

// call.answered webhooks, one call each (sequential: a live call's warning, not a flood), on a few numbers whose
// recording is off: from the webhook sent to its Insight Card at the fake Aircall.
async Task<int> InCallAsync()
{
    var bot = Arg("--bot", "http://127.0.0.1:5080").TrimEnd('/');
    var serve = Arg("--serve", "http://127.0.0.1:5082").TrimEnd('/');
    var count = int.Parse(Arg("--count", "200"), CultureInfo.InvariantCulture);
    var numbers = int.Parse(Arg("--numbers", "5"), CultureInfo.InvariantCulture);
    var times = new List<double>(count);
    var failures = 0;
    for (var i = 0; i < count; i++)
    {
        var callId = 30_000_000L + i;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var envelope = new System.Text.Json.Nodes.JsonObject
        {
            ["resource"] = "call",
            ["event"] = "call.answered",
            ["timestamp"] = now,
            ["token"] = webhookToken,
            ["data"] = new System.Text.Json.Nodes.JsonObject
            {
                ["id"] = callId,
                ["direction"] = "inbound",
                ["status"] = "answered",
                ["started_at"] = now - 5,
                ["answered_at"] = now,
                ["number"] = new System.Text.Json.Nodes.JsonObject { ["id"] = 1000 + (i % numbers), ["name"] = "Support" },
            },
        }.ToJsonString();
        var start = Stopwatch.GetTimestamp();
        using var response = await http.PostAsync(bot + "/aircall/webhooks", new StringContent(envelope, Encoding.UTF8, "application/json"));
        var shown = false;
        for (var poll = 0; poll < 2000 && !shown; poll++)
        {
            using var card = await http.GetAsync($"{serve}/cards/{callId}");
            if (card.IsSuccessStatusCode)
            {
                times.Add(Stopwatch.GetElapsedTime(start, long.Parse(await card.Content.ReadAsStringAsync(), CultureInfo.InvariantCulture)).TotalMilliseconds);
                shown = true;
            }
            else
            {
                await Task.Delay(2);
            }
        }

        if (!shown || response.StatusCode != HttpStatusCode.OK)
        {
            failures++;
        }
    }

    times.Sort();
    double Q(double q) => times.Count == 0 ? double.NaN : times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
    var requests = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync($"{serve}/aircall-requests"))!.AsObject();
    var total = requests.Sum(r => (int)r.Value!);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"in-call warnings: {times.Count} cards for {count} answered calls on {numbers} numbers, {failures} failures"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"webhook → Insight Card ms: p50 {Q(0.50):0.0}  p95 {Q(0.95):0.0}  p99 {Q(0.99):0.0}  max {Q(1.0):0.0}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Aircall requests: {total} in all = {(double)total / count:0.00} per warned call ({string.Join(", ", requests.Select(r => $"{r.Key} {r.Value}"))})"));
    return failures == 0 ? 0 : 1;
}

// Signed link_shared events, one at a time, each a new message linking one of K calls: from the event sent to its
// chat.unfurl at the fake Slack. A call's first link looks it up; the links after it (within 5 minutes) are cached.
async Task<int> UnfurlAsync()
{
    var bot = Arg("--bot", "http://127.0.0.1:5080").TrimEnd('/');
    var serve = Arg("--serve", "http://127.0.0.1:5082").TrimEnd('/');
    var count = int.Parse(Arg("--count", "300"), CultureInfo.InvariantCulture);
    var calls = int.Parse(Arg("--calls", "10"), CultureInfo.InvariantCulture);
    List<double> first = [], cached = [];
    var failures = 0;
    var before = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync($"{serve}/aircall-requests"))!.AsObject().Sum(r => (int)r.Value!);
    for (var i = 0; i < count; i++)
    {
        var messageTs = string.Create(CultureInfo.InvariantCulture, $"1700000000.{i:D6}");
        var body = new System.Text.Json.Nodes.JsonObject
        {
            ["token"] = "x",
            ["team_id"] = "T111",
            ["api_app_id"] = "A111",
            ["type"] = "event_callback",
            ["event_id"] = $"EvUnfurl{i}",
            ["event_time"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["event"] = new System.Text.Json.Nodes.JsonObject
            {
                ["type"] = "link_shared",
                ["channel"] = "C111",
                ["user"] = "U111",
                ["message_ts"] = messageTs,
                ["source"] = "conversations_history",
                ["user_locale"] = "en-US",
                ["links"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
                {
                    ["domain"] = "dashboard.aircall.io",
                    ["url"] = $"https://dashboard.aircall.io/calls/{40_000_000 + (i % calls)}",
                }),
            },
        }.ToJsonString();
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, bot + "/slack/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes($"v0:{ts}:{body}"))));
        var start = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request);
        var shown = false;
        for (var poll = 0; poll < 2000 && !shown; poll++)
        {
            using var unfurl = await http.GetAsync($"{serve}/unfurls/{messageTs}");
            if (unfurl.IsSuccessStatusCode)
            {
                (i < calls ? first : cached).Add(Stopwatch.GetElapsedTime(start, long.Parse(await unfurl.Content.ReadAsStringAsync(), CultureInfo.InvariantCulture)).TotalMilliseconds);
                shown = true;
            }
            else
            {
                await Task.Delay(2);
            }
        }

        if (!shown || response.StatusCode != HttpStatusCode.OK)
        {
            failures++;
        }
    }

    var after = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync($"{serve}/aircall-requests"))!.AsObject().Sum(r => (int)r.Value!);
    string Line(string what, List<double> times)
    {
        times.Sort();
        double Q(double q) => times.Count == 0 ? double.NaN : times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"{what}: {times.Count} unfurls, ms p50 {Q(0.5):0.0}  p95 {Q(0.95):0.0}  p99 {Q(0.99):0.0}  max {Q(1):0.0}");
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"link_shared → chat.unfurl: {count} links to {calls} calls, {failures} failures"));
    Console.WriteLine(Line("a call's first link (looked up)", first));
    Console.WriteLine(Line("cached call (within 5 min)", cached));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Aircall requests: {after - before} for {count} unfurls = {(double)(after - before) / count:0.000} per unfurl ({(double)(after - before) / calls:0.0} per call's first link, 0 expected after it)"));
    return failures == 0 ? 0 : 1;
}
