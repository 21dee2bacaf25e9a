using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ChatTroubleshooter.Tests.Packaging;

/// <summary>What an operator sees: --help, a busy port, the banner, the home page, where call data comes from, quiet logs.</summary>
public sealed class StartupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(int Exit, string Out, string Err)> RunBotAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("ChatTroubleshooter.dll");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["State__SqlitePath"] = Path.Combine(Path.GetTempPath(), $"startup-{Guid.NewGuid():N}.db");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task Help_PrintsUsage_AndDoesNotStartTheServer()
    {
        var (exit, output, _) = await RunBotAsync("--help");

        Assert.Equal(0, exit);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Contains("chat [--lang xx]", output, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BusyPort_IsOneLineNamingTheAddress_NotAStackTrace()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exit, output, error) = await RunBotAsync("--urls", $"http://127.0.0.1:{port}");

        Assert.Equal(2, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.Contains("--urls", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Home_NamesTheBotItsVersionAndEndpoints()
    {
        using var app = new BotApp();
        var page = await app.CreateClient().GetStringAsync("/", Ct);

        Assert.StartsWith($"ChatTroubleshooter {StartupBanner.Version}:", page, StringComparison.Ordinal);
        Assert.Contains("/api/messages", page, StringComparison.Ordinal);
        Assert.Contains("/slack/commands", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Banner_SaysWhereEverythingIs_AndNeverPrintsASecret()
    {
        using var app = new BotApp(new() { ["Aircall:ApiId"] = "id-1", ["Aircall:ApiToken"] = "token-secret-1" });
        var environment = app.Services.GetRequiredService<IHostEnvironment>();

        var banner = StartupBanner.Render(app.Services, ["http://127.0.0.1:3978"], environment);

        Assert.Contains("listening  http://127.0.0.1:3978", banner, StringComparison.Ordinal);
        Assert.Contains("state      in memory", banner, StringComparison.Ordinal);
        Assert.Contains("calls      Aircall API at https://api.aircall.io/", banner, StringComparison.Ordinal);
        Assert.Contains("Aircall__Demo is ignored", banner, StringComparison.Ordinal);
        Assert.Contains("Slack      on", banner, StringComparison.Ordinal);
        Assert.Contains("Teams      off: Teams__AppId is not set", banner, StringComparison.Ordinal);
        Assert.DoesNotContain("token-secret-1", banner, StringComparison.Ordinal);
        Assert.DoesNotContain(BotApp.SigningSecret, banner, StringComparison.Ordinal);
        Assert.DoesNotContain("xoxb-test-token", banner, StringComparison.Ordinal);
    }

    [Fact]
    public void RealAircallKeys_AlwaysWinOverDemoData()
    {
        using var host = CoreHost.Build(new() { ["Aircall:Demo"] = "true", ["Aircall:ApiId"] = "id", ["Aircall:ApiToken"] = "token" });

        var calls = host.Services.GetRequiredService<ICallFactsProvider>();

        Assert.Empty(calls.ExampleCallIds);
        Assert.False(host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AircallOptions>>().Value.UsesDemo);
    }

    /// <summary>Issue 17 #10: 7,626 full response_urls were in the logs through HttpClient's Information logs.</summary>
    [Fact]
    public async Task OutgoingRequests_AreLoggedWithTheirPathRedacted_AtEveryLevel()
    {
        using var app = new BotApp(new() { ["Logging:LogLevel:Default"] = "Trace", ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Trace" });
        using var client = app.CreateClient();
        await client.SendAsync(SlackRequests.SlashCommand("1000004"), Ct);
        var sent = Assert.Single(await app.WaitForAsync(r => r.RequestUri!.Host == "hooks.slack.com"));
        await app.DrainAsync();

        var responseUrl = sent.RequestUri!.AbsoluteUri;
        Assert.StartsWith("https://hooks.slack.com/commands/", responseUrl, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs.Entries, e => e.Message.Contains(sent.RequestUri.AbsolutePath, StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.Entries, e => e.Category.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal));
        Assert.Contains(app.Logs.Entries, e => e.Message.Contains("POST https://hooks.slack.com/commands/… answered 200", StringComparison.Ordinal));
    }
}
