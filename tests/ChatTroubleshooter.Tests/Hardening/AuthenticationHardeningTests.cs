using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Outbox;
using ChatTroubleshooter.Teams;
using ChatTroubleshooter.Tests.Fakes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Tests.Hardening;

/// <summary>Issue 17 #1, #5 and #11 (crit): what an attacker without credentials can make the bot do.</summary>
public sealed class AuthenticationHardeningTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Json(JsonNode activity) => new(activity.ToJsonString(), Encoding.UTF8, "application/json");

    private static JsonObject MessageWithCallId() => BotFrameworkFake.Activity("playground_message-personal.json", a =>
    {
        a["text"] = "1000004";
        a["id"] = Guid.NewGuid().ToString();
    });

    /// <summary>
    /// Before: with Teams__AppId empty (the Slack-only install) 20 anonymous messages made 20 Aircall requests, and an
    /// anonymous feedback invoke read a Slack user's escalation summary.
    /// </summary>
    [Fact]
    public async Task WithoutAppId_TeamsIsOff_AnonymousMessagesAndInvokesAre401_AndNothingIsQueued()
    {
        using var app = new BotApp();
        using var client = app.CreateClient();

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync(TeamsEndpoints.Route, Json(MessageWithCallId()), Ct)).StatusCode);
        }

        var feedback = BotFrameworkFake.Activity("playground_invoke-adaptiveCard-action-personal.json", a => a["value"] = new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = "feedback", ["data"] = new JsonObject { ["verb"] = "feedback", ["diagnosisId"] = "d1", ["helpful"] = false } },
        });
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync(TeamsEndpoints.Route, Json(feedback), Ct)).StatusCode);

        Assert.Equal(0, await app.Services.GetRequiredService<IWorkOutbox>().CountPendingAsync(Ct));
        await app.SentinelAsync();
        Assert.Empty(app.Teams.Requests);
        // One line for the first refusal, the rest counted into the next line (at most one per 10 s).
        Assert.Single(app.Logs.Entries, e => e.Message.StartsWith("Refused a Bot Connector", StringComparison.Ordinal));
    }

    [Fact]
    public void AllowAnonymous_OutsideDevelopment_RefusesToStart_SayingWhy()
    {
        using var app = new BotApp(new() { ["Teams:AllowAnonymous"] = "true" });

        var error = Assert.Throws<OptionsValidationException>(() => app.CreateClient());
        Assert.Contains("Teams:AllowAnonymous", error.Message, StringComparison.Ordinal);
        Assert.Contains("Development", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllowAnonymous_InDevelopment_AcceptsLoopbackClientsOnly_AndTheBannerSaysSo()
    {
        using var app = new BotApp(new() { ["environment"] = "Development", ["Teams:AllowAnonymous"] = "true" });
        app.Teams.On(r => r.RequestUri!.IsLoopback, (_, _) => Task.FromResult(RecordingHandler.Json("""{"id":"1"}""")));

        async Task<int> SendFrom(string address, string serviceUrl)
        {
            var activity = MessageWithCallId();
            activity["serviceUrl"] = serviceUrl;
            var body = Encoding.UTF8.GetBytes(activity.ToJsonString());
            var context = await app.Server.SendAsync(http =>
            {
                http.Request.Method = "POST";
                http.Request.Path = TeamsEndpoints.Route;
                http.Request.ContentType = "application/json";
                http.Request.Body = new MemoryStream(body);
                http.Connection.RemoteIpAddress = IPAddress.Parse(address);
            }, Ct);
            return context.Response.StatusCode;
        }

        Assert.Equal(StatusCodes.Status401Unauthorized, await SendFrom("203.0.113.9", "http://localhost:56150/_connector"));
        Assert.Equal(StatusCodes.Status401Unauthorized, await SendFrom("10.0.0.5", "http://localhost:56150/_connector"));
        Assert.Equal(StatusCodes.Status200OK, await SendFrom("127.0.0.1", "http://localhost:56150/_connector"));
        Assert.Equal(StatusCodes.Status200OK, await SendFrom("::1", "https://smba.test/amer/"));

        await app.DrainAsync();
        var posts = app.Teams.Requests.Where(r => r.Method == HttpMethod.Post && r.RequestUri!.AbsolutePath.Contains("/v3/conversations/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(posts);
        // Replies go to loopback only: the second loopback request named a public serviceUrl, and nothing went there.
        Assert.All(posts, p => Assert.True(p.RequestUri!.IsLoopback));
        Assert.Contains(posts, p => app.Teams.Body(p).Contains("cause:too-short", StringComparison.Ordinal));

        var banner = StartupBanner.Render(app.Services, ["http://127.0.0.1:3978"], app.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostEnvironment>());
        Assert.Contains("Teams      anonymous (Teams__AllowAnonymous, Development): loopback clients only", banner, StringComparison.Ordinal);
    }

    /// <summary>
    /// Before: with an App ID set, unauthenticated bodies with duplicate "type" keys or lone-surrogate escapes got a 500
    /// and 1.6 KB of stack trace each. Now nothing of the body is read before the token passes.
    /// </summary>
    [Theory]
    [InlineData("""{"type":"message","type":"invoke","text":"1000004","channelId":"msteams","serviceUrl":"https://smba.test/amer/","conversation":{"id":"a"},"from":{"id":"u"}}""")]
    [InlineData("""{"type":"message","text":"\ud800","channelId":"msteams","serviceUrl":"https://smba.test/amer/","conversation":{"id":"a"},"from":{"id":"u"}}""")]
    [InlineData("""{"type":"message","text":"a\udc00b","id":"\ud83d","channelId":"msteams","serviceUrl":"https://smba.test/amer/","conversation":{"id":"a"},"from":{"id":"u"}}""")]
    public async Task HostileBodies_Unauthenticated_Are401_Authenticated_Are400_NeverA500OrAStackTrace(string body)
    {
        using var app = new BotApp(BotFrameworkFake.Settings);
        var fake = new BotFrameworkFake(app.Teams);
        using var client = app.CreateClient();

        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync(TeamsEndpoints.Route, new StringContent(body, Encoding.UTF8, "application/json"), Ct)).StatusCode);
        }

        var signed = new HttpRequestMessage(HttpMethod.Post, TeamsEndpoints.Route) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        signed.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fake.Token());
        var response = await client.SendAsync(signed, Ct); // the raw body: not one a JsonObject could hold
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.OK, $"got {(int)response.StatusCode}");

        Assert.DoesNotContain(app.Logs.Entries, e => e.Exception is not null || e.Level >= LogLevel.Error);
        var refusals = app.Logs.Entries.Where(e => e.Message.StartsWith("Refused", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(refusals);
        Assert.True(line.Message.Length < 200, line.Message);
    }

    [Fact]
    public async Task Token_WithACritHeader_Is401()
    {
        using var app = new BotApp(BotFrameworkFake.Settings);
        var fake = new BotFrameworkFake(app.Teams);
        using var client = app.CreateClient();

        async Task<HttpStatusCode> SendAsync(string token) => (await fake.PostAsync(client, MessageWithCallId(), token)).StatusCode;

        Assert.Equal(HttpStatusCode.OK, await SendAsync(fake.Token()));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(fake.Token(header: new Dictionary<string, object> { ["crit"] = new[] { "exp-ext" }, ["exp-ext"] = true })));
    }
}
