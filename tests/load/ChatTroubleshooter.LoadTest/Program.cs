using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

// Drives a running bot with really signed /norecording slash commands and reports ack latency and throughput.
// usage: --url http://127.0.0.1:5080 --secret S [--seconds 10] [--concurrency 32] [--rate 0 (max) | requests/s] [--warmup 3]
var url = Arg("--url", "http://127.0.0.1:5080").TrimEnd('/') + "/slack/commands";
var secret = Encoding.UTF8.GetBytes(Arg("--secret", "load-test-secret"));
var seconds = int.Parse(Arg("--seconds", "10"), CultureInfo.InvariantCulture);
var concurrency = int.Parse(Arg("--concurrency", "32"), CultureInfo.InvariantCulture);
var rate = int.Parse(Arg("--rate", "0"), CultureInfo.InvariantCulture);
var warmup = int.Parse(Arg("--warmup", "3"), CultureInfo.InvariantCulture);

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(10) });

await RunAsync(TimeSpan.FromSeconds(warmup), record: false);
var (latencies, errors, elapsed) = await RunAsync(TimeSpan.FromSeconds(seconds), record: true);

latencies.Sort();
double P(double q) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"signed slash commands: {latencies.Count} ok, {errors} errors in {elapsed.TotalSeconds:0.0} s = {latencies.Count / elapsed.TotalSeconds:0} req/s " +
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

HttpRequestMessage Signed(int worker)
{
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
