using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Teams;
using ChatTroubleshooter.Tests.Fakes;

namespace ChatTroubleshooter.Tests.Teams;

/// <summary>Real Bot Framework activities, really signed JWTs (test key), the real pipeline, a fake Connector.</summary>
public sealed class TeamsEndpointTests : IDisposable
{
    private readonly BotApp _app;
    private readonly BotFrameworkFake _botFramework;
    private readonly HttpClient _client;

    public TeamsEndpointTests()
    {
        _app = new BotApp(BotFrameworkFake.Settings);
        _botFramework = new BotFrameworkFake(_app.Teams);
        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<HttpResponseMessage> PostAsync(JsonObject activity, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, TeamsEndpoints.Route)
        {
            Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? _botFramework.Token());
        return _client.SendAsync(request, Ct);
    }

    private Task<HttpRequestMessage[]> ConnectorPostsAsync(int count = 1, int timeoutSeconds = 15) =>
        BotApp.WaitForAsync(_app.Teams, IsMessage, count, timeoutSeconds);

    private bool IsMessage(HttpRequestMessage r) =>
        r.RequestUri!.AbsolutePath.StartsWith("/amer/v3/conversations/", StringComparison.Ordinal) && r.Method == HttpMethod.Post
        && (string?)Body(r)["type"] == "message";

    private JsonObject Body(HttpRequestMessage r) => JsonNode.Parse(_app.Teams.Body(r))!.AsObject();

    private JsonObject Card(HttpRequestMessage r) => Body(r)["attachments"]![0]!["content"]!.AsObject();

    private static JsonArray Actions(JsonObject card) => card["actions"]!.AsArray();

    [Fact]
    public async Task MentionInAChannelThread_IsAnsweredWithADiagnosisInTheThread()
    {
        var activity = BotFrameworkFake.Activity("teamsnet_channel-message-with-bot-mention.json",
            a => a["text"] = "<at>ridotest</at> why has call 1000006 no recording?");

        var response = await PostAsync(activity);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var post = Assert.Single(await ConnectorPostsAsync());
        Assert.Equal("/amer/v3/conversations/19%3A6848757105754c8981c67612732d9aa7%40thread.tacv2%3Bmessageid%3D1759881511856/activities/1759944781430",
            post.RequestUri!.AbsolutePath);
        Assert.Equal("Bearer connector-token", post.Headers.Authorization?.ToString());
        var card = Card(post);
        Assert.Equal("1.5", (string?)card["version"]);
        Assert.Contains("too-long", card.ToJsonString(), StringComparison.Ordinal);
        // What the chat list and notifications show instead of "Send a card".
        Assert.Equal("Why this call has no recording: The call was longer than 4 hours", (string?)Body(post)["summary"]);
        // Issue 34: what it found, for other apps: an entity of the activity.
        var entity = Assert.Single(Body(post)["entities"]!.AsArray())!;
        Assert.Equal(("aircall_recording_diagnosis", "1000006", "confirmed", """["too-long"]"""),
            ((string?)entity["type"], (string?)entity["call_id"], (string?)entity["kind"], entity["confirmed_causes"]!.ToJsonString()));
        Assert.Contains(_app.Teams.Requests, r => r.RequestUri!.AbsolutePath == "/token");
    }

    [Fact]
    public async Task StartOver_OnAQuestionCard_ReplacesItWithTheRestartMessage()
    {
        await PostAsync(BotFrameworkFake.Activity("playground_message-personal.json", a => a["text"] = "the call has no recording"));
        var question = Card(Assert.Single(await ConnectorPostsAsync()));
        var restart = Actions(question).Single(a => (string?)a!["verb"] == "restart")!;
        var yes = Actions(question).Single(a => (string?)a!["data"]!["value"] == "yes")!;

        var body = (await (await PostAsync(Invoke(restart))).Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        var again = (await (await PostAsync(Invoke(yes))).Content.ReadFromJsonAsync<JsonObject>(Ct))!;

        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)body["type"]);
        Assert.Contains("Starting over", body["value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("already been answered", again.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PersonalChat_QuestionCard_InvokeAnswers_EndInADiagnosis()
    {
        await PostAsync(BotFrameworkFake.Activity("playground_message-personal.json", a => a["text"] = "the call has no recording"));
        var question = Card(Assert.Single(await ConnectorPostsAsync()));
        var yes = Actions(question).Single(a => (string?)a!["data"]!["value"] == "yes")!;

        var invoke = await PostAsync(Invoke(yes));

        Assert.Equal(HttpStatusCode.OK, invoke.StatusCode);
        var body = (await invoke.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        Assert.Equal(200, (int?)body["statusCode"]);
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)body["type"]);
        Assert.Null(body["value"]!["actions"]);
        Assert.Contains("Your answer: Yes", body["value"]!.ToJsonString(), StringComparison.Ordinal);

        var second = Card((await ConnectorPostsAsync(2))[1]);
        var under5 = Actions(second).Single(a => (string?)a!["data"]!["value"] == "..4")!;
        await PostAsync(Invoke(under5));
        var diagnosis = Card((await ConnectorPostsAsync(3))[2]);
        Assert.Contains("\"id\":\"cause:too-short\"", diagnosis.ToJsonString(), StringComparison.Ordinal);

        // A second click on an answered question: a short message, no state change.
        var again = await (await PostAsync(Invoke(yes))).Content.ReadFromJsonAsync<JsonObject>(Ct);
        Assert.Equal("application/vnd.microsoft.activity.message", (string?)again!["type"]);
    }

    [Fact]
    public async Task ActionSubmitFallback_UpdatesTheCardAndContinues()
    {
        await PostAsync(BotFrameworkFake.Activity("playground_message-personal.json", a => a["text"] = "the call has no recording"));
        var question = Card(Assert.Single(await ConnectorPostsAsync()));
        var no = Actions(question).Single(a => (string?)a!["data"]!["value"] == "no")!;

        var submit = BotFrameworkFake.Activity("playground_message-value-from-Action.Submit-personal.json",
            a => a["value"] = no["fallback"]!["data"]!.DeepClone());
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(submit)).StatusCode);

        var update = Assert.Single(await BotApp.WaitForAsync(_app.Teams, r => r.Method == HttpMethod.Put));
        Assert.EndsWith("/activities/1795461795920-07a31cdd", update.RequestUri!.AbsolutePath, StringComparison.Ordinal);
        Assert.Contains("Your answer: No", _app.Teams.Body(update), StringComparison.Ordinal);
        var next = Card((await ConnectorPostsAsync(2))[1]);
        Assert.Contains("voicemail", next.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_SendsOneWelcomeCardInTheActivitysLocale()
    {
        await PostAsync(BotFrameworkFake.Activity("playground_installationUpdate-add-personal.json", a => a["locale"] = "de-DE"));
        await PostAsync(BotFrameworkFake.Activity("playground_conversationUpdate-membersAdded-personal.json", a => a["locale"] = "de-DE"));

        await ConnectorPostsAsync();
        await _app.DrainAsync();
        var welcome = Card(Assert.Single(_app.Teams.Requests, IsMessage));
        Assert.Contains("Warum hat mein Aircall-Anruf keine Aufzeichnung?", welcome.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SpanishText_IsAnsweredInSpanishWhateverTheLocale()
    {
        await PostAsync(BotFrameworkFake.Activity("playground_message-personal.json", a => a["text"] = "La llamada 1000003 no tiene grabación, ¿por qué?"));

        var card = Card(Assert.Single(await ConnectorPostsAsync()));
        Assert.Contains("La llamada no fue contestada", card.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownInvoke_IsA400WithAnInvokeError()
    {
        var activity = BotFrameworkFake.Activity("playground_invoke-adaptiveCard-action-personal.json", a => a["name"] = "composeExtension/query");

        var response = await PostAsync(activity);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("NotSupported", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["value"]!["code"]);
    }

    [Fact]
    public async Task InvokeWithoutAnswerData_IsAnInvokeErrorNotA500()
    {
        var response = await PostAsync(BotFrameworkFake.Activity("playground_invoke-adaptiveCard-action-personal.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        Assert.Equal(400, (int?)body["statusCode"]);
        Assert.Equal("application/vnd.microsoft.error", (string?)body["type"]);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"text":"no type"}""")]
    [InlineData("""{"type":"message","text":"no conversation","serviceUrl":"https://smba.test/amer/","channelId":"msteams"}""")]
    public async Task MalformedActivities_Are400(string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, TeamsEndpoints.Route) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _botFramework.Token());

        Assert.Equal(HttpStatusCode.BadRequest, (await _client.SendAsync(request, Ct)).StatusCode);
    }

    public static TheoryData<string> BadTokens() => new() { "none", "issuer", "audience", "expired", "signature", "alg-none", "serviceurl" };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task BadTokens_Get401AndNothingIsProcessed(string bad)
    {
        using var otherKey = RSA.Create(2048);
        var token = bad switch
        {
            "issuer" => _botFramework.Token(issuer: "https://evil.example"),
            "audience" => _botFramework.Token(audience: "11111111-2222-3333-4444-555555555555"),
            "expired" => _botFramework.Token(expires: DateTime.UtcNow.AddMinutes(-6)),
            "signature" => _botFramework.Token(signWith: otherKey),
            "alg-none" => BotFrameworkFake.UnsignedToken(),
            "serviceurl" => _botFramework.Token(serviceUrl: "https://other.test/"),
            _ => "",
        };
        var activity = BotFrameworkFake.Activity("playground_message-personal.json", a => a["text"] = "1000004");

        var request = new HttpRequestMessage(HttpMethod.Post, TeamsEndpoints.Route) { Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json") };
        if (bad != "none")
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.SendAsync(request, Ct)).StatusCode);
        await _app.DrainAsync();
        Assert.DoesNotContain(_app.Teams.Requests, IsMessage);
    }

    [Fact]
    public async Task ExpiredWithinTheFiveMinuteSkew_IsAccepted()
    {
        var response = await PostAsync(BotFrameworkFake.Activity("playground_message-personal.json", a => a["text"] = "help"),
            _botFramework.Token(expires: DateTime.UtcNow.AddMinutes(-4)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task TenantIssuer_IsAcceptedOnlyWhenThatTenantIsConfigured()
    {
        const string tenant = "50612dbb-0237-4969-b378-8d42590f9c00";
        var settings = BotFrameworkFake.Settings;
        settings["Teams:TenantId"] = tenant;
        using var app = new BotApp(settings);
        var fake = new BotFrameworkFake(app.Teams);
        using var client = app.CreateClient();

        async Task<HttpStatusCode> SendAsync(string issuer)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, TeamsEndpoints.Route)
            {
                Content = new StringContent(BotFrameworkFake.Activity("playground_message-personal.json", a => a["id"] = Guid.NewGuid().ToString()).ToJsonString(), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fake.Token(issuer: issuer));
            return (await client.SendAsync(request, Ct)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await SendAsync($"https://login.microsoftonline.com/{tenant}/v2.0"));
        Assert.Equal(HttpStatusCode.OK, await SendAsync($"https://sts.windows.net/{tenant}/"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync("https://login.microsoftonline.com/11111111-1111-1111-1111-111111111111/v2.0"));
        // Without the tenant configured (the class's own app), a tenant issuer is refused.
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(BotFrameworkFake.Activity("playground_message-personal.json"),
            _botFramework.Token(issuer: $"https://login.microsoftonline.com/{tenant}/v2.0"))).StatusCode);
    }

    [Fact]
    public async Task KeyNotEndorsedForTheChannel_Gets401()
    {
        using var app = new BotApp(BotFrameworkFake.Settings);
        var fake = new BotFrameworkFake(app.Teams, endorsements: ["skype"]);
        using var client = app.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, TeamsEndpoints.Route)
        {
            Content = new StringContent(BotFrameworkFake.Activity("playground_message-personal.json").ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fake.Token());

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(request, Ct)).StatusCode);
    }

    private static JsonObject Invoke(JsonNode action) => BotFrameworkFake.Activity("playground_invoke-adaptiveCard-action-personal.json", a =>
    {
        a["id"] = Guid.NewGuid().ToString();
        a["value"] = new JsonObject
        {
            ["action"] = new JsonObject
            {
                ["type"] = "Action.Execute",
                ["verb"] = (string?)action["verb"],
                ["data"] = action["data"]!.DeepClone(),
            },
            ["trigger"] = "manual",
        };
    });

}
