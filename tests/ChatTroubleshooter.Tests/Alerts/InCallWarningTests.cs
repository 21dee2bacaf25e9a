using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Alerts;
using ChatTroubleshooter.Outbox;
using ChatTroubleshooter.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace ChatTroubleshooter.Tests.Alerts;

/// <summary>
/// Issue 35: on <c>call.answered</c>, a call on a number whose recording is off for its direction gets one Insight Card in
/// the agent's phone app. The envelopes are the reference pack's (<c>webhook_call_created_example.json</c>, its event and
/// data adapted as its README says); Aircall is a fake that records what it is sent.
/// </summary>
public sealed class InCallWarningTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("in-call-");
    private readonly AlertPeers _peers = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private BotApp App(string language = "en", bool warnings = true, bool sqlite = false)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Alerts:Language"] = language,
            ["Alerts:InCallWarnings"] = warnings ? "true" : "false",
        };
        return _peers.App(sqlite ? AlertPeers.WithSqlite(settings, _directory) : settings);
    }

    /// <summary>The reference call as <c>call.answered</c> carries it: answered, not ended, on number 1234.</summary>
    private static JsonObject Answered(string direction = "inbound", long id = AlertPeers.CallId)
    {
        var call = AlertPeers.WithId(AlertPeers.Call(talkSeconds: 0), id);
        call["status"] = "answered";
        call["ended_at"] = null;
        call["direction"] = direction;
        return call;
    }

    private static bool IsCard(HttpRequestMessage r) =>
        r.Method == HttpMethod.Post && r.RequestUri!.AbsolutePath.EndsWith("/insight_cards", StringComparison.Ordinal);

    private HttpRequestMessage[] Cards() => [.. _peers.Aircall.Requests.Where(IsCard)];

    [Fact]
    public async Task AnInboundCall_AnsweredOnANumberWithRecordingOff_GetsOneInsightCard_OfAircallsShape()
    {
        using var app = App();
        using var client = app.CreateClient();

        var clock = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(AircallWebhooks.Route, AlertPeers.Webhook(AircallWebhooks.CallAnswered, Answered()), Ct)).StatusCode);
        var card = Assert.Single(await BotApp.WaitForAsync(_peers.Aircall, IsCard));
        TestContext.Current.SendDiagnosticMessage($"call.answered → Insight Card: {clock.ElapsedMilliseconds} ms");
        await app.DrainAsync();

        Assert.Equal($"/v1/calls/{AlertPeers.CallId}/insight_cards", card.RequestUri!.AbsolutePath);
        var body = JsonNode.Parse(_peers.Aircall.Body(card))!.AsObject();
        // Aircall's documented shape: {"contents":[{type: title|shortText, text, label?, link?}]}, nothing else.
        Assert.Equal(["contents"], body.Select(p => p.Key));
        var lines = body["contents"]!.AsArray().Select(l => l!.AsObject()).ToArray();
        Assert.All(lines, l => Assert.Subset(new HashSet<string> { "type", "text", "label", "link" }, l.Select(p => p.Key).ToHashSet()));
        Assert.All(lines, l => Assert.False(string.IsNullOrWhiteSpace((string?)l["text"])));
        Assert.Equal(["title", "shortText", "shortText"], lines.Select(l => (string)l["type"]!));
        Assert.All(lines.Where(l => (string)l["type"]! == "shortText"), l => Assert.False(string.IsNullOrWhiteSpace((string?)l["label"])));
        Assert.Equal("This call is not being recorded", (string)lines[0]["text"]!);
        Assert.Equal("https://support.aircall.io/en-gb/articles/10375353969053", (string)lines[0]["link"]!);
        Assert.Equal("Recording is off on Support for incoming calls.", (string)lines[1]["text"]!);
        Assert.Equal("Why", (string)lines[1]["label"]!);
        // Two requests: the number (then cached) and the card; the call itself is not fetched (the event carries it).
        Assert.Equal(2, _peers.Aircall.Requests.Count);
    }

    [Fact]
    public async Task ASecondWarnedCall_OnTheCachedNumber_CostsOneRequest_AndAnOutboundCallSaysOutgoing()
    {
        using var app = App();
        using var client = app.CreateClient();
        await client.PostAsync(AircallWebhooks.Route, AlertPeers.Webhook(AircallWebhooks.CallAnswered, Answered()), Ct);
        await BotApp.WaitForAsync(_peers.Aircall, IsCard);
        await app.DrainAsync();
        var before = _peers.Aircall.Requests.Count;

        await client.PostAsync(AircallWebhooks.Route, AlertPeers.Webhook(AircallWebhooks.CallAnswered, Answered("outbound", id: 7654321)), Ct);
        var cards = await BotApp.WaitForAsync(_peers.Aircall, IsCard, count: 2);
        await app.DrainAsync();

        Assert.Equal(1, _peers.Aircall.Requests.Count - before);
        var body = JsonNode.Parse(_peers.Aircall.Body(cards.Single(c => c.RequestUri!.AbsolutePath.Contains("7654321", StringComparison.Ordinal))))!;
        Assert.Equal("Recording is off on Support for outgoing calls.", (string)body["contents"]![1]!["text"]!);
    }

    [Fact]
    public async Task AnEventWithoutTheCallsNumber_AsAircallsSampleShowsIt_ReadsTheCall_AndWarns()
    {
        // The reference pack's call.created sample carries "number": {} and "user": {}.
        var sample = JsonNode.Parse(TestData.Read("aircall/webhook_call_created_example.json"))!["data"]!.AsObject();
        sample["id"] = AlertPeers.CallId;
        sample["status"] = "answered";
        sample["answered_at"] = 1_732_622_900;
        _peers.CallData = Answered("outbound");
        using var app = App();
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(AircallWebhooks.Route, AlertPeers.Webhook(AircallWebhooks.CallAnswered, sample), Ct)).StatusCode);
        var card = Assert.Single(await BotApp.WaitForAsync(_peers.Aircall, IsCard));
        await app.DrainAsync();

        Assert.Equal("Recording is off on Support for outgoing calls.", (string)JsonNode.Parse(_peers.Aircall.Body(card))!["contents"]![1]!["text"]!);
        // The call (for its number and direction), the number, the card.
        Assert.Equal(3, _peers.Aircall.Requests.Count);
    }

    [Fact]
    public async Task ANumberWithRecordingOn_GetsNoCard()
    {
        _peers.NumberRecording = true;
        using var app = App();
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(AircallWebhooks.Route, AlertPeers.Webhook(AircallWebhooks.CallAnswered, Answered()), Ct)).StatusCode);
        await app.DrainAsync();
        await app.SentinelAsync();

        Assert.Empty(Cards());
        Assert.Equal(1, _peers.Aircall.Count("/v1/numbers/1234"));
    }

    [Fact]
    public async Task ThreeDuplicateEvents_WithARestartBetweenThem_AreStillOneCard()
    {
        using (var first = App(sqlite: true))
        {
            using var client = first.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(AircallWebhooks.Route, AlertPeers.Webhook(AircallWebhooks.CallAnswered, Answered()), Ct)).StatusCode);
            await BotApp.WaitForAsync(_peers.Aircall, IsCard);
            await first.DrainAsync();
        }

        using var restarted = App(sqlite: true);
        using (var client = restarted.CreateClient())
        {
            for (var i = 0; i < 2; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(AircallWebhooks.Route, AlertPeers.Webhook(AircallWebhooks.CallAnswered, Answered()), Ct)).StatusCode);
            }
        }

        await restarted.DrainAsync();
        await restarted.SentinelAsync();
        Assert.Single(Cards());
    }

    [Fact]
    public async Task TurnedOff_NothingIsQueued_AndNothingAsked()
    {
        using var app = App(warnings: false);
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(AircallWebhooks.Route, AlertPeers.Webhook(AircallWebhooks.CallAnswered, Answered()), Ct)).StatusCode);

        Assert.Equal(0, await app.Services.GetRequiredService<IWorkOutbox>().CountPendingAsync(Ct));
        Assert.Empty(_peers.Aircall.Requests);
    }

    [Fact]
    public async Task AKeyThatMayNotWrite_IsLoggedOnce_AndNotRetried()
    {
        _peers.WriteStatus = HttpStatusCode.Forbidden;
        using var app = App();
        using var client = app.CreateClient();

        await client.PostAsync(AircallWebhooks.Route, AlertPeers.Webhook(AircallWebhooks.CallAnswered, Answered()), Ct);
        await client.PostAsync(AircallWebhooks.Route, AlertPeers.Webhook(AircallWebhooks.CallAnswered, Answered(id: 7654321)), Ct);
        await BotApp.WaitForAsync(_peers.Aircall, IsCard, count: 2);
        await app.DrainAsync();

        Assert.Equal(2, Cards().Length);
        Assert.Single(app.Logs.Entries, e => e.Message.Contains("refused an Insight Card", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("en", "This call is not being recorded", "Recording is off on Support for incoming calls.")]
    [InlineData("es", "Esta llamada no se está grabando", "La grabación está desactivada en Support para las llamadas entrantes.")]
    [InlineData("fr", "Cet appel n'est pas enregistré", "L'enregistrement est désactivé sur Support pour les appels entrants.")]
    [InlineData("de", "Dieser Anruf wird nicht aufgezeichnet", "Die Aufzeichnung ist für Support bei eingehenden Anrufen ausgeschaltet.")]
    [InlineData("it", "Questa chiamata non viene registrata", "La registrazione è disattivata su Support per le chiamate in entrata.")]
    [InlineData("pt", "Esta chamada não está sendo gravada", "A gravação está desativada em Support para chamadas recebidas.")]
    [InlineData("nl", "Dit gesprek wordt niet opgenomen", "Opname staat uit op Support voor inkomende oproepen.")]
    public async Task TheCard_IsInTheAlertsLanguage(string language, string title, string why)
    {
        using var app = App(language);
        using var client = app.CreateClient();

        await client.PostAsync(AircallWebhooks.Route, AlertPeers.Webhook(AircallWebhooks.CallAnswered, Answered()), Ct);
        var card = Assert.Single(await BotApp.WaitForAsync(_peers.Aircall, IsCard));
        await app.DrainAsync();

        var lines = JsonNode.Parse(_peers.Aircall.Body(card))!["contents"]!.AsArray();
        Assert.Equal(title, (string)lines[0]!["text"]!);
        Assert.Equal(why, (string)lines[1]!["text"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)lines[2]!["text"]));
        // The help article in the language's help centre (English where Aircall has none).
        Assert.StartsWith("https://support.aircall.io/", (string)lines[0]!["link"]!, StringComparison.Ordinal);
    }
}
