using System.Text.Json.Nodes;
using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Tests.Alerts;

/// <summary><c>aircall webhook create|list</c> against a fake Aircall (the answer shape of the reference pack's <c>webhook_object_example.json</c>).</summary>
public sealed class AircallWebhookCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static (int Exit, string Output, string Error) Run(RecordingHandler aircall, Dictionary<string, string?> settings, params string[] args)
    {
        using var host = CoreHost.Build(settings, services: s => s.AddHttpClient<AircallClient>().ConfigurePrimaryHttpMessageHandler(() => aircall));
        var output = new StringWriter();
        var error = new StringWriter();
        var command = new AircallWebhookCommand(host.Services.GetRequiredService<AircallClient>(), host.Services.GetRequiredService<IOptions<AircallOptions>>(), output, error);
        var exit = command.RunAsync(args, Ct).GetAwaiter().GetResult();
        return (exit, output.ToString(), error.ToString());
    }

    private static readonly Dictionary<string, string?> Keys = new() { ["Aircall:ApiId"] = "id123", ["Aircall:ApiToken"] = "secret-token" };

    [Fact]
    public void Create_PostsTheEventsTheBotUses_AndPrintsTheTokenToConfigure()
    {
        var aircall = new RecordingHandler().On("/v1/webhooks", r => RecordingHandler.Json(new JsonObject
        {
            ["webhook"] = new JsonObject
            {
                ["webhook_id"] = "0d3e5b1a-3b1a-4c1a-9c1a-0d3e5b1a3b1a",
                ["url"] = "https://bot.example.com/aircall/webhooks",
                ["active"] = true,
                ["token"] = "abc123",
                ["events"] = new JsonArray("call.answered", "call.ended", "call.comm_assets_generated", "number.deleted"),
            },
        }.ToJsonString()));

        var (exit, output, _) = Run(aircall, Keys, "webhook", "create", "--url", "https://bot.example.com/aircall/webhooks");

        Assert.Equal(0, exit);
        var sent = Assert.Single(aircall.Requests);
        Assert.Equal(HttpMethod.Post, sent.Method);
        var body = JsonNode.Parse(aircall.Body(sent))!;
        Assert.Equal("https://bot.example.com/aircall/webhooks", (string?)body["url"]);
        // call.answered for the in-call warnings (issue 35), the rest for the alerts after the call.
        Assert.Equal(["call.answered", "call.ended", "call.comm_assets_generated", "number.deleted"], body["events"]!.AsArray().Select(e => (string)e!));
        Assert.Contains("Aircall__WebhookTokens__0=abc123", output, StringComparison.Ordinal);
    }

    [Fact]
    public void List_ShowsEachWebhook()
    {
        var aircall = new RecordingHandler().On("/v1/webhooks", _ => RecordingHandler.Json("""
            {"webhooks":[{"webhook_id":"w1","url":"https://bot.example.com/aircall/webhooks","active":true,"events":["call.ended"]},
                         {"webhook_id":"w2","url":"https://old.example.com/hook","active":false,"events":["call.created"]}]}
            """));

        var (exit, output, _) = Run(aircall, Keys, "webhook", "list");

        Assert.Equal(0, exit);
        Assert.Contains("w1  active  https://bot.example.com/aircall/webhooks  call.ended", output, StringComparison.Ordinal);
        Assert.Contains("w2  inactive", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("webhook", "create", "--url", "http://bot.example.com/aircall/webhooks")]
    [InlineData("webhook", "delete")]
    public void BadArguments_Exit2_WithUsage(params string[] args)
    {
        var aircall = new RecordingHandler();

        var (exit, _, error) = Run(aircall, Keys, args);

        Assert.Equal(2, exit);
        Assert.Contains("aircall webhook", error, StringComparison.Ordinal);
        Assert.Empty(aircall.Requests);
    }

    [Fact]
    public void WithoutAircallKeys_SaysWhichToSet()
    {
        var (exit, _, error) = Run(new RecordingHandler(), [], "webhook", "list");

        Assert.Equal(2, exit);
        Assert.Contains("Aircall__ApiId", error, StringComparison.Ordinal);
    }
}
