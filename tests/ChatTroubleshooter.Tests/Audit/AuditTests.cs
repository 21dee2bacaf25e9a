using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace ChatTroubleshooter.Tests.Audit;

/// <summary>
/// Issue 23: <c>/norecording audit number|user …</c> against a fake Aircall company of 1,200 calls (see
/// <see cref="AuditCompany"/>): exact counts, the sentence, the fewest pages, the rate budget, cancel, a restart, the
/// chart and the CSV at signed links.
/// </summary>
public sealed class AuditTests : IDisposable
{
    private const string SigningKey = "audit-test-signing-key";
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("audit-");
    private readonly AuditCompany _company = new(DateTimeOffset.UtcNow);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private BotApp App(int requestsPerMinute = 6000, bool sqlite = false)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Aircall:ApiId"] = "id123",
            ["Aircall:ApiToken"] = "secret-token",
            ["Aircall:RequestsPerMinute"] = requestsPerMinute.ToString(CultureInfo.InvariantCulture),
            ["Reports:SigningKey"] = SigningKey,
            ["Reports:PublicBaseUrl"] = "https://bot.example.com/",
            // A queued audit looks again every second instead of every 15 (TwoAudits_Queue_RatherThanRace waited 15 s).
            ["Audit:QueuedRetry"] = "00:00:01",
        };
        if (sqlite)
        {
            settings["State:Provider"] = "Sqlite";
            settings["State:SqlitePath"] = Path.Combine(_directory.FullName, "state.db");
        }

        return new BotApp(settings) { TestServices = s => s.AddHttpClient<AircallClient>().ConfigurePrimaryHttpMessageHandler(() => _company.Handler) };
    }

    private static bool IsPost(HttpRequestMessage r) => r.RequestUri!.AbsolutePath == "/api/chat.postMessage";

    private static bool IsUpdate(HttpRequestMessage r) => r.RequestUri!.AbsolutePath == "/api/chat.update";

    /// <summary>Runs an audit from a slash command to its result (the audit's message, replaced for the last time).</summary>
    private async Task<JsonObject> AuditAsync(BotApp app, string text)
    {
        using var client = app.CreateClient();
        await client.SendAsync(SlackRequests.SlashCommand(text), Ct);
        var started = app.Slack.Body(Assert.Single(await app.WaitForAsync(r => r.RequestUri!.Host == "hooks.slack.com")));
        Assert.Contains("Auditing", started, StringComparison.Ordinal);
        await WaitAsync(() => app.Slack.Requests.Where(IsUpdate).Any(r => !app.Slack.Body(r).Contains("audit:cancel", StringComparison.Ordinal)),
            why: () => string.Join("\n", app.Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).Select(e => e.Message + " " + e.Exception))
                + "\n" + string.Join("\n", app.Slack.Requests.Select(r => r.RequestUri!.AbsolutePath)));
        await app.DrainAsync(timeoutSeconds: 30);
        return JsonNode.Parse(app.Slack.Body(app.Slack.Requests.Last(IsUpdate)))!.AsObject();
    }

    private static string Text(JsonObject message) => JsonTexts.Joined(message);

    private int Expected(string kind, long? number = null, long? agent = null) => _company.Calls.Count(c =>
        _company.Truth[(long)c["id"]!] == kind && (number is null || (long)c["number"]!["id"]! == number) && (agent is null || (long)c["user"]!["id"]! == agent));

    [Fact]
    public async Task ANumberAudit_CountsEveryCauseExactly_AndSaysSinceWhenRecordingIsOff()
    {
        using var app = App();

        var result = await AuditAsync(app, "audit number 101 7d");

        var text = Text(result);
        int off = Expected("recording-disabled", 101), notAnswered = Expected("not-answered", 101), tooShort = Expected("too-short", 101), healthy = Expected("healthy", 101);
        var firstOff = _company.Calls.Where(c => (long)c["number"]!["id"]! == 101 && _company.Truth[(long)c["id"]!] == "recording-disabled").Min(c => (long)c["started_at"]!);
        // Written as the language writes a day, in the number's time zone (the reference number's: Europe/Paris). It
        // used to be computed in UTC, which failed whenever the first call fell between 23:00 and midnight UTC.
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var since = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(firstOff), paris).ToString("d MMMM yyyy", CultureInfo.GetCultureInfo("en"));
        Assert.Contains($"Recording has been off on this number since {since}: {off} of {off} answered calls since then have no recording.", text, StringComparison.Ordinal);
        Assert.Contains($"{400} calls: {healthy} with a recording, {notAnswered + tooShort} not expected to have one (not answered, under 5 s or over 4 h), {off} without the recording they should have.",
            text, StringComparison.Ordinal);
        Assert.Contains($"Call recording is switched off for this number: {off} confirmed, 0 possible", text, StringComparison.Ordinal);
        Assert.DoesNotContain("parallel", text, StringComparison.OrdinalIgnoreCase);
        // The fewest requests: the number, then each page of the period's 1,200 calls once (the API has no number filter).
        Assert.Equal(24, _company.Pages.Count);
        Assert.Equal(_company.Pages.Count, _company.Pages.Select(p => (p.From, p.To, p.Page)).Distinct().Count());
        Assert.Equal(1, _company.Handler.Count("/v1/numbers/101"));
    }

    [Fact]
    public async Task AUserAudit_ByEmail_ReadsOnlyThatUsersCalls_AndFindsTheirParallelCalls()
    {
        using var app = App();

        var result = await AuditAsync(app, "audit user ana@example.com 7d");

        var text = Text(result);
        int parallel = Expected("parallel-call", agent: 1), off = Expected("recording-disabled", agent: 1);
        Assert.True(parallel > 0);
        Assert.Contains($"This was the second of two parallel calls: {parallel} confirmed, 0 possible", text, StringComparison.Ordinal);
        Assert.Contains($"Call recording is switched off for this number: {off} confirmed, 0 possible", text, StringComparison.Ordinal);
        Assert.Contains("Most affected numbers: Line 101", text, StringComparison.Ordinal);
        var calls = _company.Calls.Count(c => (long)c["user"]!["id"]! == 1);
        Assert.Equal((calls + 49) / 50, _company.Pages.Count);
        Assert.All(_company.Pages, p => Assert.Equal(("/v1/calls/search", "1"), (p.Path, p.User)));
    }

    [Fact]
    public async Task TheAudit_UsesAtMostHalfOfTheRateLimit()
    {
        // 600 requests a minute: the audit's share is 300, one request every 200 ms.
        using var app = App(requestsPerMinute: 600);

        await AuditAsync(app, "audit number 101 7d");

        var pages = _company.Pages.Select(p => p.At).ToList();
        var gaps = pages.Zip(pages.Skip(1), (a, b) => (b - a).TotalMilliseconds).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine($"{pages.Count} pages; shortest gap {gaps.Min():0} ms, mean {gaps.Average():0} ms");
        Assert.All(gaps, gap => Assert.True(gap >= 190, $"two pages {gap:0} ms apart"));
    }

    [Fact]
    public async Task Cancel_StopsTheAuditWithinOnePage_AndSaysSo()
    {
        using var app = App(requestsPerMinute: 600);
        using var client = app.CreateClient();
        await client.SendAsync(SlackRequests.SlashCommand("audit number 101 30d"), Ct);
        var progress = JsonNode.Parse(app.Slack.Body(Assert.Single(await app.WaitForAsync(IsPost))))!.AsObject();
        var cancel = progress["blocks"]!.AsArray().Where(b => (string?)b!["type"] == "actions").SelectMany(b => b!["elements"]!.AsArray())
            .Select(e => e!.AsObject()).Single(e => (string?)e["action_id"] == "audit:cancel");

        await client.SendAsync(SlackRequests.Click(cancel, team: "T111", channel: "C111", messageTs: "1700000000.000100"), Ct);
        var pagesAtCancel = _company.Pages.Count;
        await WaitAsync(() => app.Slack.Requests.Where(IsUpdate).Any(r => app.Slack.Body(r).Contains("Audit cancelled after", StringComparison.Ordinal)));
        await app.DrainAsync();

        Assert.InRange(_company.Pages.Count, pagesAtCancel, pagesAtCancel + 1);
        Assert.True(_company.Pages.Count < 24);
    }

    [Fact]
    public async Task ARestartMidAudit_FinishesTheAudit_WithoutReadingAPageTwice()
    {
        using (var first = App(requestsPerMinute: 120, sqlite: true))
        {
            using var client = first.CreateClient();
            await client.SendAsync(SlackRequests.SlashCommand("audit number 101 7d"), Ct);
            await WaitAsync(() => _company.Pages.Count >= 3);
            // The page's result is stored with the next run before this one ends; the next page is a second away.
            await Task.Delay(300, Ct);
        }

        using var second = App(requestsPerMinute: 6000, sqlite: true);
        using var restarted = second.CreateClient();
        await WaitAsync(() => second.Slack.Requests.Where(IsUpdate).Any(r => second.Slack.Body(r).Contains("Recording has been off", StringComparison.Ordinal)));
        await second.DrainAsync(timeoutSeconds: 30);

        Assert.Equal(24, _company.Pages.Count);
        Assert.Equal(24, _company.Pages.Select(p => (p.From, p.To, p.Page)).Distinct().Count());
    }

    [Fact]
    public async Task TheChartAndTheCsv_AreServedAtSignedLinks_AndForgedOrExpiredLinksAre404()
    {
        using var app = App();
        using var client = app.CreateClient();
        var result = await AuditAsync(app, "audit number 101 7d");
        var blocks = result["blocks"]!.AsArray();
        var chart = new Uri((string)blocks.Single(b => (string?)b!["type"] == "image")!["image_url"]!);
        var csv = new Uri((string)blocks.Where(b => (string?)b!["type"] == "actions").SelectMany(b => b!["elements"]!.AsArray()).Single(e => (string?)e!["action_id"] == "audit:csv")!["url"]!);
        Assert.Equal("bot.example.com", chart.Host);

        var png = await client.GetByteArrayAsync(chart.PathAndQuery, Ct);
        using var bitmap = SkiaSharp.SKBitmap.Decode(png);
        Assert.Equal((800, 400), (bitmap.Width, bitmap.Height));

        var response = await client.GetAsync(csv.PathAndQuery, Ct);
        Assert.Equal("text/csv; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var rows = ParseCsv(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(["call_id", "dashboard_url", "started_at", "direction", "agent", "talk_seconds", "expected_recording", "confirmed_causes", "possible_causes", "evidence"], rows[0]);
        int off = Expected("recording-disabled", 101), notAnswered = Expected("not-answered", 101), tooShort = Expected("too-short", 101);
        Assert.Equal(off + notAnswered + tooShort, rows.Count - 1);
        Assert.Equal(off, rows.Skip(1).Count(r => r[6] == "yes" && r[7] == "recording-disabled"));
        Assert.All(rows.Skip(1), r => Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", r[2]));

        // Forged: another signature; altered: another expiry; expired: a link rightly signed for a time past.
        var forged = csv.PathAndQuery[..^8] + "00000000";
        var altered = csv.PathAndQuery.Replace("expires=", "expires=9", StringComparison.Ordinal);
        var file = csv.AbsolutePath.Split('/')[^1];
        var past = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds();
        var signature = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(SigningKey), Encoding.UTF8.GetBytes($"{file}\n{past}")));
        foreach (var link in new[] { forged, altered, $"/reports/{file}?expires={past}&sig={signature}", $"/reports/{file}", "/reports/nothing.csv?expires=1&sig=x" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(link, Ct)).StatusCode);
        }
    }

    /// <summary>
    /// The benchmark (issue 23), as a test of its deterministic half: an audit of a number over 10,000 calls takes the
    /// number and 200 pages, at most 220 requests. Its CPU outside waiting for the API is reported, not asserted: each run
    /// of the audit is planned directly (twice: the second on compiled code), the fake's time to build pages taken out.
    /// </summary>
    [Fact]
    public async Task AnAuditOfTenThousandCalls_TakesAtMost220AircallRequests()
    {
        var company = new AuditCompany(DateTimeOffset.UtcNow, count: 10_000);
        using var app = new BotApp(new Dictionary<string, string?>
        {
            ["Aircall:ApiId"] = "id123",
            ["Aircall:ApiToken"] = "secret-token",
            ["Aircall:RequestsPerMinute"] = "10000",
            ["Outbox:Enabled"] = "false",
        })
        { TestServices = s => s.AddHttpClient<AircallClient>().ConfigurePrimaryHttpMessageHandler(() => company.Handler) };
        var handler = app.Services.GetServices<ChatTroubleshooter.Outbox.IWorkHandler>().Single(h => h.Name == "Audit");
        var request = ChatTroubleshooter.Audit.AuditCommand.Parse("audit number 102 7d", DateTimeOffset.UtcNow).Request!;
        for (var round = 1; round <= 2; round++)
        {
            var before = company.Handler.Requests.Count;
            ChatTroubleshooter.Outbox.Work work = new ChatTroubleshooter.Audit.AuditWork($"bench{round}", request, new ChatTroubleshooter.Slack.SlackPlace("C111"),
                "slack:T111:C111", "en", new ChatTroubleshooter.Audit.AuditState());
            var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            var serving = company.Serving;
            var runs = 0;
            while ((await handler.PlanAsync(new ChatTroubleshooter.Outbox.WorkItem($"bench{round}", work), Ct)).OfType<ChatTroubleshooter.Outbox.FollowUp>().FirstOrDefault() is { } next)
            {
                work = next.Work;
                runs++;
            }

            var used = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu - (company.Serving - serving);
            var requests = company.Handler.Requests.Count - before;
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"round {round}: 10,000 calls, {requests} Aircall requests in {runs + 1} runs; {used.TotalSeconds:0.00} s of CPU outside the fake Aircall");
            Assert.InRange(requests, 1, 220);
        }
    }

    [Fact]
    public async Task TwoAudits_Queue_RatherThanRace()
    {
        using var app = App(requestsPerMinute: 3000);
        using var client = app.CreateClient();

        await client.SendAsync(SlackRequests.SlashCommand("audit number 101 7d"), Ct);
        await WaitAsync(() => _company.Pages.Count >= 2);
        await client.SendAsync(SlackRequests.SlashCommand("audit user ben@example.com 7d"), Ct);
        await WaitAsync(() => app.Slack.Requests.Where(IsUpdate).Count(r => app.Slack.Body(r).Contains("calls:", StringComparison.Ordinal)) >= 2, seconds: 60);
        await app.DrainAsync(timeoutSeconds: 30);

        var pages = _company.Pages.ToList();
        var lastOfFirst = pages.FindLastIndex(p => p.User is null);
        var firstOfSecond = pages.FindIndex(p => p.User is not null);
        Assert.True(lastOfFirst < firstOfSecond, "the second audit read a page before the first one ended");
    }

    [Fact]
    public async Task InATeamsChannel_TheAuditIsAPostOfItsOwn_KeptUpToDate_EndingWithTheChartAndTheCsv()
    {
        var settings = BotFrameworkFake.Settings;
        settings["Aircall:ApiId"] = "id123";
        settings["Aircall:ApiToken"] = "secret-token";
        settings["Aircall:RequestsPerMinute"] = "6000";
        settings["Reports:PublicBaseUrl"] = "https://bot.example.com/";
        using var app = new BotApp(settings) { TestServices = s => s.AddHttpClient<AircallClient>().ConfigurePrimaryHttpMessageHandler(() => _company.Handler) };
        var botFramework = new BotFrameworkFake(app.Teams);
        using var client = app.CreateClient();
        const string Channel = "19:6848757105754c8981c67612732d9aa7@thread.tacv2";

        await botFramework.PostAsync(client, BotFrameworkFake.Activity("teamsnet_channel-message-with-bot-mention.json", a =>
        {
            a["text"] = "<at>ridotest</at> audit number 101 7d";
            a["locale"] = "de-DE";
        }));
        var post = Assert.Single(await BotApp.WaitForAsync(app.Teams, r => r.RequestUri!.AbsolutePath == "/amer/v3/conversations"));
        var root = "/amer/v3/conversations/" + Uri.EscapeDataString(Channel + ";messageid=channel-post-1") + "/activities/channel-post-1";
        await WaitAsync(() => app.Teams.Requests.Any(r => r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath == root && app.Teams.Body(r).Contains("Action.OpenUrl", StringComparison.Ordinal)));
        await app.DrainAsync();

        var progress = JsonNode.Parse(app.Teams.Body(post))!["activity"]!["attachments"]![0]!["content"]!.AsObject();
        Assert.Contains("Abbrechen", progress.ToJsonString(), StringComparison.Ordinal);
        var result = JsonNode.Parse(app.Teams.Body(app.Teams.Requests.Last(r => r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath == root)))!["attachments"]![0]!["content"]!.AsObject();
        var json = result.ToJsonString();
        Assert.Contains("Die Aufzeichnung ist auf dieser Nummer seit", JsonTexts.Joined(result), StringComparison.Ordinal);
        Assert.Contains("\"type\":\"Image\"", json, StringComparison.Ordinal);
        Assert.Contains("CSV herunterladen", JsonTexts.Joined(result), StringComparison.Ordinal);
        Assert.DoesNotContain("cancel-audit", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithAdminOnly_OnlyAdminsMayAudit()
    {
        var app = new BotApp(new Dictionary<string, string?> { ["Audit:AdminOnly"] = "true", ["Stats:AdminUserIds:0"] = "slack:W999" });
        using var disposeApp = app;
        using var client = app.CreateClient();

        await client.SendAsync(SlackRequests.SlashCommand("audit number 101"), Ct);
        var reply = app.Slack.Body(Assert.Single(await app.WaitForAsync(r => r.RequestUri!.Host == "hooks.slack.com")));
        await app.DrainAsync();

        Assert.Contains("only admins can run audits", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AircallRefusingTheCalls_StopsTheAudit_AndSaysWhy()
    {
        using var app = App();
        using var client = app.CreateClient();
        _company.Handler.OnFirst(r => r.RequestUri!.AbsolutePath == "/v1/calls", _ => RecordingHandler.Status(HttpStatusCode.Unauthorized));

        await client.SendAsync(SlackRequests.SlashCommand("audit number 101 7d"), Ct);
        await WaitAsync(() => app.Slack.Requests.Any(r => (IsPost(r) || IsUpdate(r)) && app.Slack.Body(r).Contains("Aircall did not give this audit its calls", StringComparison.Ordinal)));
        await app.DrainAsync();

        Assert.Equal(1, _company.Handler.Count("/v1/calls?"));
    }

    [Theory]
    [InlineData("audit number 999 7d", "There is no number 999 in this Aircall account.")]
    [InlineData("audit user nobody@example.com", "There is no user nobody@example.com in this Aircall account.")]
    public async Task AnUnknownSubject_IsSaidClearly(string command, string said)
    {
        using var app = App();
        using var client = app.CreateClient();

        await client.SendAsync(SlackRequests.SlashCommand(command), Ct);
        await WaitAsync(() => app.Slack.Requests.Any(r => (IsPost(r) || IsUpdate(r)) && app.Slack.Body(r).Contains(said, StringComparison.Ordinal)));
        await app.DrainAsync();

        Assert.Empty(_company.Pages);
    }

    [Theory]
    [InlineData("audit number", "To audit, write")]
    [InlineData("audit number 101 since 2099-01-01", "2099-01-01 is in the future")]
    [InlineData("audit number 101 since 2020-01-01", "An audit covers at most 90 days")]
    public async Task BadInput_GetsAClearMessage_AndNoAudit(string command, string said)
    {
        using var app = App();
        using var client = app.CreateClient();

        await client.SendAsync(SlackRequests.SlashCommand(command), Ct);
        var reply = app.Slack.Body(Assert.Single(await app.WaitForAsync(r => r.RequestUri!.Host == "hooks.slack.com")));
        await app.DrainAsync();

        Assert.Contains(said, reply, StringComparison.Ordinal);
        Assert.Empty(_company.Handler.Requests);
    }

    /// <summary>RFC 4180: fields separated by commas, quoted when they hold a comma, a quote or a line break.</summary>
    private static List<string[]> ParseCsv(string csv)
    {
        var rows = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < csv.Length && csv[i + 1] == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                rows.Add([.. fields]);
                fields.Clear();
                i++;
            }
            else
            {
                field.Append(c);
            }
        }

        return rows;
    }

    private static async Task WaitAsync(Func<bool> done, int seconds = 30, Func<string>? why = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting. " + why?.Invoke());
            await Task.Delay(25);
        }
    }
}
