using ChatTroubleshooter.Places;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Tests.Fakes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ChatTroubleshooter.Tests.Aircall;

public sealed class AircallProviderTests : IDisposable
{
    private readonly RecordingHandler _aircall = new();
    private readonly IHost _host;

    public AircallProviderTests()
    {
        _host = CoreHost.Build(new()
        {
            ["Aircall:ApiId"] = "id123",
            ["Aircall:ApiToken"] = "secret-token",
            ["Aircall:RetryBaseDelay"] = "00:00:00.010",
            ["Aircall:MaxRetryDelay"] = "00:00:02",
            ["Aircall:AttemptTimeout"] = "00:00:00.300",
            ["Aircall:TotalTimeout"] = "00:00:05",
            ["Aircall:RequestsPerMinute"] = "6000",
        }, services: s => s.AddHttpClient<AircallClient>().ConfigurePrimaryHttpMessageHandler(() => _aircall));
    }

    public void Dispose() => _host.Dispose();

    private ICallFactsProvider Provider => _host.Services.GetRequiredService<ICallFactsProvider>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly CallRequester Agent = new("slack:u1");

    private static JsonObject Example(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "aircall", name)))!.AsObject();

    private static JsonObject Call(Action<JsonObject>? change = null)
    {
        var envelope = Example("call_api_example.json");
        change?.Invoke(envelope["call"]!.AsObject());
        return envelope;
    }

    private RecordingHandler ServeCall(JsonObject call, JsonObject? number = null, string? search = null) => _aircall
        .On("/v1/calls/search", _ => RecordingHandler.Json(search ?? """{"meta":{"total":0,"current_page":1,"per_page":50,"next_page_link":null},"calls":[]}"""))
        .On("/v1/calls/812", _ => RecordingHandler.Json(call.ToJsonString()))
        .On("/v1/numbers/1234", _ => RecordingHandler.Json((number ?? Example("number_api_example.json")).ToJsonString()));

    private static Dictionary<string, string> Facts(CallLookup lookup) => lookup.Facts.ToDictionary(f => f.Id, f => f.Value.ToWire());

    [Fact]
    public async Task LookupAsync_DocumentedExample_MapsEveryFactWithEvidence()
    {
        ServeCall(Call());

        var lookup = await Provider.LookupAsync("812", Agent, Ct);

        Assert.Equal(CallLookupStatus.Found, lookup.Status);
        var facts = Facts(lookup);
        Assert.Equal("yes", facts["answered"]);
        Assert.Equal("5", facts["talk-seconds"]); // answered_at 1584998205 → ended_at 1584998210
        Assert.Equal("outbound", facts["direction"]);
        Assert.Equal("yes", facts["number-exists"]);
        Assert.Equal("no", facts["parallel-second"]);
        Assert.False(facts.ContainsKey("recording-enabled")); // live recording on today says nothing about the call
        Assert.False(facts.ContainsKey("link-visible"));
        Assert.All(lookup.Facts, f => Assert.Equal(Diagnostics.Facts.FactSource.Api, f.Source));
        Assert.Contains(lookup.Facts, f => f.Evidence.Key == "evidence.api.talk-seconds" && f.Evidence.Args["duration"] == Diagnostics.Facts.EvidenceValue.Seconds(5));
    }

    [Fact]
    public async Task LookupAsync_SendsBasicAuthAndTheDocumentedPaths()
    {
        ServeCall(Call());

        await Provider.LookupAsync("812", Agent, Ct);

        var first = _aircall.Requests.First();
        Assert.Equal("Basic", first.Headers.Authorization?.Scheme);
        Assert.Equal("id123:secret-token", Encoding.UTF8.GetString(Convert.FromBase64String(first.Headers.Authorization!.Parameter!)));
        Assert.Equal(1, _aircall.Count("/v1/calls/812"));
        Assert.Equal(1, _aircall.Count("/v1/numbers/1234"));
        var search = _aircall.Requests.Single(r => r.RequestUri!.AbsolutePath == "/v1/calls/search").RequestUri!.Query;
        Assert.Contains("user_id=456", search, StringComparison.Ordinal);
        Assert.Contains($"from={1584998199 - 4 * 3600}", search, StringComparison.Ordinal);
        Assert.Contains("to=1584998199", search, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LookupAsync_NotAnsweredOutbound_IsNotAnsweredWithoutVoicemail()
    {
        ServeCall(Call(c => c["answered_at"] = null));

        var facts = Facts(await Provider.LookupAsync("812", Agent, Ct));

        Assert.Equal("no", facts["answered"]);
        Assert.Equal("no", facts["voicemail"]);
        Assert.False(facts.ContainsKey("talk-seconds"));
    }

    [Fact]
    public async Task LookupAsync_RecordingAssetAndVoicemail_AreMapped()
    {
        ServeCall(Call(c =>
        {
            c["asset"] = "https://assets.aircall.io/calls/812/recording";
            c["voicemail"] = "https://example.com/vm.mp3";
        }));

        var facts = Facts(await Provider.LookupAsync("812", Agent, Ct));

        Assert.Equal("yes", facts["link-visible"]);
        Assert.Equal("yes", facts["voicemail"]);
        Assert.Equal("5..", facts["voicemail-seconds"]);
    }

    [Fact]
    public async Task LookupAsync_RecordingOffOnTheNumber_IsRecordingDisabledWordedAsTodaysSetting()
    {
        var number = Example("number_api_example.json");
        number["number"]!["live_recording_activated"] = false;
        ServeCall(Call(), number);

        var lookup = await Provider.LookupAsync("812", Agent, Ct);

        var fact = lookup.Facts.Single(f => f.Id == "recording-enabled");
        Assert.Equal("no", fact.Value.ToWire());
        Assert.Equal("evidence.api.recording-off", fact.Evidence.Key);
        Assert.Equal("French Office", fact.Evidence.Args["number"]);
    }

    [Fact]
    public async Task LookupAsync_NumberNotFound_IsNumberDeleted()
    {
        _aircall.On("/v1/numbers/1234", _ => RecordingHandler.Status(HttpStatusCode.NotFound));
        ServeCall(Call(c => c["asset"] = "https://assets.aircall.io/calls/812/recording"));

        var facts = Facts(await Provider.LookupAsync("812", Agent, Ct));

        Assert.Equal("no", facts["number-exists"]);
        Assert.Equal("yes", facts["link-visible"]);
    }

    [Fact]
    public async Task AConversation_AboutARecordedCallWhoseNumberWasDeleted_DiagnosesTheDeletedNumber_WithoutAskingWhetherItOpens()
    {
        _aircall.On("/v1/numbers/1234", _ => RecordingHandler.Status(HttpStatusCode.NotFound));
        ServeCall(Call(c => c["recording"] = "https://assets.aircall.io/calls/812/recording"));
        var service = _host.Services.GetRequiredService<ConversationService>();

        var reply = await service.HandleAsync(new Turn(ChatChannel.Slack, "k", "U1", "en-US") { Text = "https://dashboard.aircall.io/calls/812" }, Ct);

        // Before: "Does the recording open?" although the deleted number decides either way.
        var diagnosis = Assert.IsType<DiagnosisReply>(reply);
        Assert.Equal(["number-deleted"], diagnosis.ConfirmedCauseIds);
    }

    [Fact]
    public async Task LookupAsync_CallNotFound_SaysSo()
    {
        _aircall.On("/v1/calls/812", _ => RecordingHandler.Json("""{"error":"Not found","troubleshoot":"Id does not exist"}""", HttpStatusCode.NotFound));

        var lookup = await Provider.LookupAsync("812", Agent, Ct);

        Assert.Equal(CallLookupStatus.NotFound, lookup.Status);
        Assert.Equal("reply.notice.call-not-found", Assert.Single(lookup.Notices).Key);
        Assert.Equal(1, _aircall.Count("/v1/calls/812")); // a 404 is not retried
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    public async Task LookupAsync_CredentialsRejected_IsUnauthorizedWithAnAdminMessage(HttpStatusCode status)
    {
        _aircall.On("/v1/calls/812", _ => RecordingHandler.Status(status));

        var lookup = await Provider.LookupAsync("812", Agent, Ct);

        Assert.Equal(CallLookupStatus.Unauthorized, lookup.Status);
        Assert.Equal("reply.notice.aircall-unauthorized", Assert.Single(lookup.Notices).Key);
    }

    public static TheoryData<string> RateLimitForms() => new() { "retry-after", "reset-seconds", "reset-milliseconds" };

    [Theory]
    [MemberData(nameof(RateLimitForms))]
    public async Task LookupAsync_429_WaitsForTheResetAndRetries(string form)
    {
        _aircall.OnSequence("/v1/calls/812",
            () =>
            {
                var response = RecordingHandler.Status(HttpStatusCode.TooManyRequests);
                var reset = DateTimeOffset.UtcNow.AddSeconds(1);
                switch (form)
                {
                    case "retry-after": response.Headers.Add("Retry-After", "1"); break;
                    case "reset-seconds": response.Headers.Add("X-AircallApi-Reset", reset.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)); break;
                    default: response.Headers.Add("X-AircallApi-Reset", reset.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)); break;
                }

                return response;
            },
            () => RecordingHandler.Json(Call().ToJsonString()));
        ServeCall(Call());
        var started = DateTimeOffset.UtcNow;

        var lookup = await Provider.LookupAsync("812", Agent, Ct);

        Assert.Equal(CallLookupStatus.Found, lookup.Status);
        Assert.Equal(2, _aircall.Count("/v1/calls/812"));
        var calls = _aircall.Requests.Where(r => r.RequestUri!.AbsolutePath == "/v1/calls/812").ToArray();
        Assert.True(DateTimeOffset.UtcNow - started >= TimeSpan.FromMilliseconds(900) || form != "retry-after", "Retry-After was not honoured.");
        Assert.Equal(2, calls.Length);
    }

    [Fact]
    public void For429_ResetHeaders_AreReadInSecondsOrMillisecondsAndBounded()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        HttpResponseMessage With(string value)
        {
            var r = RecordingHandler.Status(HttpStatusCode.TooManyRequests);
            r.Headers.Add("X-AircallApi-Reset", value);
            return r;
        }

        var max = TimeSpan.FromSeconds(10);
        Assert.Equal(TimeSpan.FromSeconds(3), AircallRetryDelay.For429(With("1800000003"), now, max));
        Assert.Equal(TimeSpan.FromSeconds(3), AircallRetryDelay.For429(With("1800000003000"), now, max));
        Assert.Equal(max, AircallRetryDelay.For429(With("1800003600"), now, max));
        Assert.Equal(TimeSpan.Zero, AircallRetryDelay.For429(With("1799999990"), now, max));
        Assert.Null(AircallRetryDelay.For429(RecordingHandler.Status(HttpStatusCode.TooManyRequests), now, max));
    }

    [Fact]
    public async Task LookupAsync_ServerErrorThenSuccess_Retries()
    {
        _aircall.OnSequence("/v1/calls/812",
            () => RecordingHandler.Status(HttpStatusCode.BadGateway),
            () => RecordingHandler.Status(HttpStatusCode.ServiceUnavailable),
            () => RecordingHandler.Json(Call().ToJsonString()));
        ServeCall(Call());

        var lookup = await Provider.LookupAsync("812", Agent, Ct);

        Assert.Equal(CallLookupStatus.Found, lookup.Status);
        Assert.Equal(3, _aircall.Count("/v1/calls/812"));
    }

    [Fact]
    public async Task LookupAsync_Timeouts_EndUnavailableWithoutThrowing()
    {
        _aircall.On(r => r.RequestUri!.AbsolutePath == "/v1/calls/812", async (r, ct) =>
        {
            // Like a real socket, the slow peer gives up when the client's timeout cancels the request.
            await Task.Delay(TimeSpan.FromSeconds(10), ct);
            return RecordingHandler.Json(Call().ToJsonString());
        });

        var lookup = await Provider.LookupAsync("812", Agent, Ct);

        Assert.Equal(CallLookupStatus.Unavailable, lookup.Status);
        Assert.Equal("reply.notice.aircall-unavailable", Assert.Single(lookup.Notices).Key);
        Assert.Equal(4, _aircall.Count("/v1/calls/812")); // the first attempt and 3 retries
    }

    [Fact]
    public async Task LookupAsync_Outage_OpensTheCircuitAndStopsCallingAircall()
    {
        _aircall.On("/v1/calls/", _ => RecordingHandler.Status(HttpStatusCode.ServiceUnavailable));

        var results = new List<CallLookup>();
        for (var i = 0; i < 4; i++)
        {
            results.Add(await Provider.LookupAsync((900 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), Agent, Ct));
        }

        Assert.All(results, r => Assert.Equal(CallLookupStatus.Unavailable, r.Status));
        // 4 lookups × (1 try + 3 retries) = 16 requests without a breaker; it opens after 5 failures.
        Assert.InRange(_aircall.Requests.Count, 5, 8);
    }

    /// <summary>
    /// Issue 17 #3: one user's flood of lookups (here 30, each waiting for a rate-limit permit) no longer delays another
    /// user's lookup by the whole queue, and waiting opens no circuit. Before: first come first served behind one
    /// limiter inside the 5 s attempt timeout, 527 timeouts, the breaker open, others told "Aircall could not be reached".
    /// The clock is the test's: the bucket (60/min: 10 at once, then 1 a second) refills only when the test moves it.
    /// </summary>
    [Fact]
    public async Task Flood_FromOneUser_LeavesAnotherUsersLookupAnsweredAtItsTurn_AndOpensNoCircuit()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var aircall = new RecordingHandler()
            .On("/v1/numbers/1234", _ => RecordingHandler.Json(Example("number_api_example.json").ToJsonString()))
            // Recorded calls: one request per lookup (no search for a parallel call).
            .On("/v1/calls/", r => RecordingHandler.Json(Call(c =>
            {
                c["id"] = long.Parse(r.RequestUri!.Segments[^1], System.Globalization.CultureInfo.InvariantCulture);
                c["recording"] = "https://example.test/recording.mp3";
            }).ToJsonString()));
        using var host = CoreHost.Build(new()
        {
            ["Aircall:ApiId"] = "id123",
            ["Aircall:ApiToken"] = "secret-token",
            ["Aircall:RequestsPerMinute"] = "60",
            ["Aircall:MaxLookupsPerUser"] = "100",
        }, time, services: s => s.AddHttpClient<AircallClient>().ConfigurePrimaryHttpMessageHandler(() => aircall));
        var provider = host.Services.GetRequiredService<ICallFactsProvider>();
        using var stopFlood = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var flooder = new CallRequester("slack:flooder");

        // The number is looked up once (then cached): each flood lookup is one request for its call.
        Assert.Equal(CallLookupStatus.Found, (await provider.LookupAsync("1", flooder, Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct)).Status);
        var flood = Enumerable.Range(100, 30).Select(id => provider.LookupAsync(id.ToString(System.Globalization.CultureInfo.InvariantCulture), flooder, stopFlood.Token)).ToList();
        // The bucket's other 8 permits went to the flood (the first lookup took 2: its call and the number).
        await WaitUntilAsync(() => aircall.Count("/v1/calls/1") >= 9);
        var other = provider.LookupAsync("999", new CallRequester("teams:29:other"), Ct);

        // Two refilled permits: one for the turn the flood's lane already had, the next for the other user, ahead of the
        // flood's 20 other waiting requests (first come first served, it would have waited for all of them).
        time.Advance(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1));
        var answered = await other.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(CallLookupStatus.Found, answered.Status);
        Assert.True(flood.Count(t => !t.IsCompleted) >= 19, $"{flood.Count(t => t.IsCompleted)} flood lookups done before the other user's");
        await stopFlood.CancelAsync();
        await Task.WhenAll(flood).ContinueWith(_ => { }, TaskScheduler.Default);
        Assert.DoesNotContain(flood.Where(t => t.IsCompletedSuccessfully), t => t.Result.Status != CallLookupStatus.Found);
        // The breaker is closed: the next lookup goes to Aircall and is answered.
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(CallLookupStatus.Found, (await provider.LookupAsync("998", new CallRequester("teams:29:other"), Ct)).Status);
    }

    [Fact]
    public async Task AUserWithTheMostLookupsUnderWay_IsToldSo_InsteadOfQueueingMore()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var aircall = new RecordingHandler()
            .On("/v1/numbers/1234", _ => RecordingHandler.Json(Example("number_api_example.json").ToJsonString()))
            .On("/v1/calls/", _ => RecordingHandler.Json(Call().ToJsonString()));
        using var host = CoreHost.Build(new()
        {
            ["Aircall:ApiId"] = "id123",
            ["Aircall:ApiToken"] = "secret-token",
            ["Aircall:RequestsPerMinute"] = "6", // one permit, then one per 10 s: lookups stay under way
        }, time, services: s => s.AddHttpClient<AircallClient>().ConfigurePrimaryHttpMessageHandler(() => aircall));
        var provider = host.Services.GetRequiredService<ICallFactsProvider>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var underWay = Enumerable.Range(1, 3).Select(i => provider.LookupAsync($"{i}", Agent, stop.Token)).ToList();
        var fourth = await provider.LookupAsync("4", Agent, Ct);

        Assert.Equal(CallLookupStatus.Busy, fourth.Status);
        var notice = Assert.Single(fourth.Notices);
        Assert.Equal("reply.notice.lookups-waiting", notice.Key);
        Assert.Equal("3", notice.Args["count"]);
        // Another user is not held to this user's limit: the lookup queues for a permit (a refusal returns at once).
        var another = provider.LookupAsync("5", new CallRequester("slack:u2"), stop.Token);
        Assert.False(another.IsCompleted);
        await stop.CancelAsync();
        await Task.WhenAll([.. underWay, another]).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 400 && !condition(); i++)
        {
            await Task.Delay(25, Ct);
        }

        Assert.True(condition());
    }

    [Fact]
    public async Task LookupAsync_SearchOverSeveralPages_FindsTheOverlappingCall()
    {
        var overlapping = """{"id":700,"status":"done","started_at":1584998000,"answered_at":1584998001,"ended_at":1584998300,"user":{"id":456}}""";
        _aircall
            .On("/v1/calls/search", r => r.RequestUri!.Query.Contains("page=2", StringComparison.Ordinal)
                ? RecordingHandler.Json($$"""{"meta":{"total":2,"current_page":2,"per_page":1,"next_page_link":null},"calls":[{{overlapping}}]}""")
                : RecordingHandler.Json("""{"meta":{"total":2,"current_page":1,"per_page":1,"next_page_link":"https://api.aircall.io/v1/calls/search?page=2"},"calls":[{"id":600,"status":"done","started_at":1584990000,"ended_at":1584990100,"user":{"id":456}}]}"""));
        ServeCall(Call());

        var lookup = await Provider.LookupAsync("812", Agent, Ct);

        var parallel = lookup.Facts.Single(f => f.Id == "parallel-second");
        Assert.Equal("yes", parallel.Value.ToWire());
        Assert.Equal("700", parallel.Evidence.Args["otherId"]);
        Assert.Equal(2, _aircall.Count("/v1/calls/search"));
    }

    [Fact]
    public async Task LookupAsync_CallInProgressThenDone_IsNotReadyThenFound()
    {
        _aircall.OnSequence("/v1/calls/812",
            () => RecordingHandler.Json(Call(c => { c["status"] = "answered"; c["ended_at"] = null; }).ToJsonString()),
            () => RecordingHandler.Json(Call().ToJsonString()));
        ServeCall(Call());

        var first = await Provider.LookupAsync("812", Agent, Ct);
        var second = await Provider.LookupAsync("812", Agent, Ct);

        Assert.Equal(CallLookupStatus.NotReady, first.Status);
        Assert.Equal(TimeSpan.FromSeconds(60), first.RecheckAfter);
        Assert.Equal(CallLookupStatus.Found, second.Status);
    }

    [Fact]
    public async Task LookupAsync_SameCallTwice_FetchesItOnce()
    {
        ServeCall(Call());

        await Provider.LookupAsync("812", Agent, Ct);
        await Provider.LookupAsync("812", Agent, Ct);

        Assert.Equal(1, _aircall.Count("/v1/calls/812"));
        Assert.Equal(1, _aircall.Count("/v1/numbers/1234"));
    }
}
