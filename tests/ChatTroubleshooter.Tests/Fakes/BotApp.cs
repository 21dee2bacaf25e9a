using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Slack;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatTroubleshooter.Tests.Fakes;

/// <summary>
/// The real bot through the real ASP.NET pipeline, with only the outside world replaced: a fake Slack Web API
/// and response_url server (<see cref="Slack"/>) recording what the bot sends, and the demo Aircall calls.
/// </summary>
public sealed class BotApp : WebApplicationFactory<Program>
{
    public const string SigningSecret = "8f742231b10e8888abcd99yyyzzz85a5";

    private readonly Dictionary<string, string?> _settings;

    /// <summary>The fake Slack; several instances of the bot may share one (see the constructor).</summary>
    internal RecordingHandler Slack { get; }

    /// <summary>What the bot logged.</summary>
    internal LogCapture Logs { get; } = new();

    /// <summary>Makes Slack's response_url answer 500, to exercise retries and dead letters.</summary>
    internal bool FailResponseUrls
    {
        get => ResponseUrlStatus == HttpStatusCode.InternalServerError;
        set => ResponseUrlStatus = value ? HttpStatusCode.InternalServerError : HttpStatusCode.OK;
    }

    /// <summary>What Slack's response_url answers (200 unless a test says otherwise).</summary>
    internal HttpStatusCode ResponseUrlStatus { get; set; } = HttpStatusCode.OK;

    /// <summary>The next this many response_url posts arrive (are recorded) but their connection resets before the answer.</summary>
    internal int ResetResponseUrlsAfterArrival;

    /// <summary>Replaces a real seam (e.g. the store) for one test, after the bot's own registrations.</summary>
    internal Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>The fake Bot Framework side: OpenID metadata and keys, token endpoint, Connector.</summary>
    internal RecordingHandler Teams { get; } = new();

    public BotApp(Dictionary<string, string?>? settings = null)
        : this(settings, null)
    {
    }

    /// <param name="settings">Configuration on top of the test defaults.</param>
    /// <param name="slack">A fake Slack shared with another instance of the bot (one Slack, several instances).</param>
    internal BotApp(Dictionary<string, string?>? settings, RecordingHandler? slack)
    {
        Slack = slack ?? new RecordingHandler();
        _settings = new Dictionary<string, string?>
        {
            ["Slack:SigningSecret"] = SigningSecret,
            ["Slack:BotToken"] = "xoxb-test-token",
            ["Slack:ApiBaseUrl"] = "https://slack.test/api/",
            ["Aircall:Demo"] = "true",
            ["State:Provider"] = "Memory",
            ["Outbox:PollInterval"] = "00:00:00.100",
        };
        foreach (var (k, v) in settings ?? [])
        {
            _settings[k] = v;
        }

        Slack
            .On("/api/auth.test", _ => RecordingHandler.Json(TestData.Read("slack/web_api_auth_test_bot.json")))
            .On("/api/users.info", _ => RecordingHandler.Json(new JsonObject
            {
                ["ok"] = true,
                ["user"] = JsonNode.Parse(TestData.Read("slack/user_object_with_locale.json")),
            }.ToJsonString()))
            .On("/api/chat.", _ => RecordingHandler.Json("""{"ok":true,"channel":"C111","ts":"1700000000.000100"}"""))
            .On("/api/views.", _ => RecordingHandler.Json("""{"ok":true,"view":{"id":"V0123456789"}}"""))
            .On(r => r.RequestUri!.Host == "hooks.slack.com", (_, _) => Interlocked.Decrement(ref ResetResponseUrlsAfterArrival) >= 0
                ? Task.FromException<HttpResponseMessage>(new HttpRequestException("Connection reset by peer", new IOException("reset")))
                : Task.FromResult(new HttpResponseMessage(ResponseUrlStatus) { Content = new StringContent(ResponseUrlStatus == HttpStatusCode.OK ? "ok" : "error") }));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureTestServices(services =>
        {
            services.AddHttpClient<SlackApiClient>().ConfigurePrimaryHttpMessageHandler(() => Slack);
            services.AddHttpClient<SlackResponseClient>().ConfigurePrimaryHttpMessageHandler(() => Slack);
            services.AddHttpClient(nameof(ChatTroubleshooter.Teams.TeamsAuthenticator)).ConfigurePrimaryHttpMessageHandler(() => Teams);
            services.AddHttpClient(nameof(ChatTroubleshooter.Teams.ConnectorTokenProvider)).ConfigurePrimaryHttpMessageHandler(() => Teams);
            services.AddHttpClient<ChatTroubleshooter.Teams.ConnectorClient>().ConfigurePrimaryHttpMessageHandler(() => Teams);
            TestServices?.Invoke(services);
        });
    }

    /// <summary>Signs a body as Slack does: v0=HMAC-SHA256(secret, "v0:{ts}:{body}").</summary>
    public static HttpRequestMessage Signed(string path, string body, string contentType, DateTimeOffset? at = null, string secret = SigningSecret) =>
        Signed(path, Encoding.UTF8.GetBytes(body), contentType, at, secret);

    /// <summary>Signs raw bytes (which need not be valid UTF-8) as Slack does.</summary>
    public static HttpRequestMessage Signed(string path, byte[] body, string contentType, DateTimeOffset? at = null, string secret = SigningSecret)
    {
        var ts = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        byte[] signed = [.. Encoding.UTF8.GetBytes($"v0:{ts}:"), .. body];
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", "v0=" + Convert.ToHexStringLower(mac));
        return request;
    }

    /// <summary>
    /// Waits (bounded) until the outbox holds nothing: every accepted request was acknowledged after its work was
    /// stored, and an item completes only after all it planned was sent, so an empty outbox means nothing more will
    /// be sent (delayed re-checks count as pending until they ran).
    /// </summary>
    internal Task DrainAsync(int timeoutSeconds = 15) => DrainAsync([this], timeoutSeconds);

    /// <summary>Like <see cref="DrainAsync(int)"/> for hosts sharing one store (each host's view must be empty).</summary>
    internal static async Task DrainAsync(BotApp[] apps, int timeoutSeconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        foreach (var app in apps)
        {
            var outbox = app.Services.GetRequiredService<ChatTroubleshooter.Outbox.IWorkOutbox>();
            while (await outbox.CountPendingAsync(CancellationToken.None) > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "The outbox did not drain in time.");
                await Task.Delay(25);
            }
        }
    }

    /// <summary>
    /// Proof that the worker is alive before asserting that something was not sent: a slash command whose reply
    /// must arrive, then <see cref="DrainAsync(int)"/>.
    /// </summary>
    internal async Task SentinelAsync()
    {
        static bool IsResponse(HttpRequestMessage r) => r.RequestUri!.Host == "hooks.slack.com";
        var before = Slack.Requests.Count(IsResponse);
        using var client = CreateClient();
        var response = await client.SendAsync(SlackRequests.SlashCommand("help"), CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before + 1, (await WaitForAsync(IsResponse, count: before + 1)).Length);
        await DrainAsync();
    }

    /// <summary>Waits (bounded) until the fake peer has received what the background work sends.</summary>
    internal Task<HttpRequestMessage[]> WaitForAsync(Func<HttpRequestMessage, bool> match, int count = 1, int timeoutSeconds = 15) =>
        WaitForAsync(Slack, match, count, timeoutSeconds);

    internal static async Task<HttpRequestMessage[]> WaitForAsync(RecordingHandler peer, Func<HttpRequestMessage, bool> match, int count = 1, int timeoutSeconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var found = peer.Requests.Where(match).ToArray();
            if (found.Length >= count || DateTime.UtcNow > deadline)
            {
                return found;
            }

            await Task.Delay(25);
        }
    }
}

internal static class TestData
{
    public static string Read(string relative) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", relative));
}
