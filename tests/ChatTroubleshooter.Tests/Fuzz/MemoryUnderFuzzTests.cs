using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ChatTroubleshooter.Tests.Fakes;

namespace ChatTroubleshooter.Tests.Fuzz;

/// <summary>
/// Issue 17 #11: under fuzz with an 80 MB heap cap, 200 KB bodies made the bot throw OutOfMemoryException. The bot
/// runs here as its own process (its memory is not the test's) with that cap; 20,000 fuzzed requests later it has
/// answered none with a 5xx, is still up, and its resident set is within 50 MB of what it was after 2,000.
/// </summary>
public sealed class MemoryUnderFuzzTests
{
    private const int Total = 20_000;
    private const int Warmup = 2_000;
    private const int Seed = 20261202;

    /// <summary>Requests in flight at once: enough that the large bodies overlap under the heap cap.</summary>
    private const int Concurrency = 32;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwentyThousandFuzzedRequests_WithAn80MBHeapCap_NoFailure_AndTheResidentSetLevelsOff()
    {
        var port = ChildProcess.FreePort();
        var work = Directory.CreateTempSubdirectory("memory-");
        var output = new StringBuilder();
        using var bot = ChildProcess.Start("dotnet", AppContext.BaseDirectory, output, "bot",
            ["ChatTroubleshooter.dll", "--urls", $"http://127.0.0.1:{port}"],
            new()
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["DOTNET_GCHeapHardLimit"] = "0x5000000", // 80 MB, as in the attack run
                ["Teams__AllowAnonymous"] = "true", // loopback: the activities are read and worked on without a token
                ["Slack__SigningSecret"] = BotApp.SigningSecret,
                ["Slack__BotToken"] = "xoxb-test-token",
                ["Slack__ApiBaseUrl"] = $"http://127.0.0.1:{ChildProcess.FreePort()}/api/", // nobody listens: sends fail at once
                ["Aircall__Demo"] = "true",
                ["State__SqlitePath"] = Path.Combine(work.FullName, "state.db"),
                ["State__SqliteSynchronous"] = "Normal",
                ["Outbox__MaxAttempts"] = "1",
                ["Logging__LogLevel__Default"] = "Critical",
            });
        try
        {
            await ChildProcess.WaitUntilUpAsync($"http://127.0.0.1:{port}/healthz", output);
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var random = new Random(Seed);
            var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();

            var afterWarmup = await SendAsync(client, random, Warmup, statuses, bot);
            var afterAll = await SendAsync(client, random, Total - Warmup, statuses, bot);

            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{Total} requests: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))}; " +
                $"bot resident set after {Warmup}: {afterWarmup / 1048576.0:F1} MB, after {Total}: {afterAll / 1048576.0:F1} MB");
            Assert.False(bot.HasExited, output.ToString());
            Assert.DoesNotContain(statuses.Keys, status => status >= 500);
            Assert.Equal(Total, statuses.Values.Sum());
            Assert.True(afterAll - afterWarmup < 50 * 1048576,
                $"the bot's resident set grew by {(afterAll - afterWarmup) / 1048576.0:F1} MB between {Warmup} and {Total} requests");
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz", Ct)).StatusCode);
        }
        finally
        {
            ChildProcess.Stop(bot);
            work.Delete(recursive: true);
        }
    }

    private static async Task<long> SendAsync(HttpClient client, Random random, int count, System.Collections.Concurrent.ConcurrentDictionary<int, int> statuses, System.Diagnostics.Process bot)
    {
        // Made one at a time, in order (the random sequence is the seed's), sent <see cref="Concurrency"/> at a time.
        await Parallel.ForEachAsync(Requests(random, count), new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = Ct }, async (make, ct) =>
        {
            using var request = make();
            request.Headers.ExpectContinue = true;
            using var response = await client.SendAsync(request, ct);
            statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
        });

        // Compared at rest: the work accepted is done (its sends failed fast, into dead letters), so what remains is
        // what the bot keeps, not a backlog that depends on how busy the machine was.
        for (var i = 0; i < 600 && await PendingAsync(client) > 0; i++)
        {
            await Task.Delay(100, Ct);
        }

        return ResidentBytes(bot);
    }

    private static async Task<int> PendingAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/readyz", Ct);
        var report = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct));
        // "N item(s) in the outbox" (the state check's description).
        var description = (string?)report?["checks"]?["state"]?["description"] ?? "0";
        return int.Parse(description.Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private static IEnumerable<Func<HttpRequestMessage>> Requests(Random random, int count)
    {
        for (var i = 0; i < count; i++)
        {
            byte[] body;
            switch (i % 4)
            {
                case 0:
                    body = EndpointFuzzTests.CommandBody(random);
                    yield return () => BotApp.Signed("/slack/commands", body, SlackRequests.Form);
                    break;
                case 1:
                    body = EndpointFuzzTests.JsonBody(random, EndpointFuzzTests.SlackEvents);
                    yield return () => BotApp.Signed("/slack/events", body, "application/json");
                    break;
                case 2:
                    body = EndpointFuzzTests.InteractionBody(random);
                    yield return () => BotApp.Signed("/slack/interactions", body, SlackRequests.Form);
                    break;
                default:
                    body = EndpointFuzzTests.JsonBody(random, EndpointFuzzTests.TeamsActivities);
                    yield return () =>
                    {
                        var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new ByteArrayContent(body) };
                        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                        return request;
                    };
                    break;
            }
        }
    }

    /// <summary>VmRSS of the bot's process, from /proc (Linux, where CI runs).</summary>
    private static long ResidentBytes(System.Diagnostics.Process bot)
    {
        var line = File.ReadLines($"/proc/{bot.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}
