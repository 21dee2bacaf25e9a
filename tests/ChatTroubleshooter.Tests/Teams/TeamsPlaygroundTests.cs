using ChatTroubleshooter.Tests.Fakes;

namespace ChatTroubleshooter.Tests.Teams;

/// <summary>
/// The running bot (a real Kestrel process) driven by Microsoft 365 Agents Playground through a whole
/// question-and-answer conversation (see tests/teams-playground/e2e.js).
/// </summary>
public sealed class TeamsPlaygroundTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AgentsPlayground_FullConversation_EndsInADiagnosis()
    {
        var tool = NodeTool.ToolDirectory(Path.Combine("tests", "teams-playground"));
        var botPort = ChildProcess.FreePort();
        var playgroundPort = ChildProcess.FreePort();
        var work = Directory.CreateTempSubdirectory("playground-");
        var output = new System.Text.StringBuilder();

        using var bot = ChildProcess.Start("dotnet", AppContext.BaseDirectory, output, "bot",
            ["ChatTroubleshooter.dll", "--urls", $"http://127.0.0.1:{botPort}"],
            new() { ["ASPNETCORE_ENVIRONMENT"] = "Development", ["Teams__AllowAnonymous"] = "true", ["Aircall__Demo"] = "true", ["State__SqlitePath"] = Path.Combine(work.FullName, "state.db"), ["Teams__AppId"] = "", ["Logging__LogLevel__Default"] = "Warning" });
        using var playground = ChildProcess.Start("node", work.FullName, output, "playground",
            [Path.Combine(tool, "node_modules", "@microsoft", "m365agentsplayground", "cli.js"),
             "--app-endpoint", $"http://127.0.0.1:{botPort}/api/messages", "--channel-id", "msteams",
             "--port", playgroundPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--disable-telemetry"],
            new() { ["TEAMSAPPTESTER_BROWSER"] = "none" });
        try
        {
            await ChildProcess.WaitUntilUpAsync($"http://127.0.0.1:{botPort}/healthz", output);
            await ChildProcess.WaitUntilUpAsync($"http://localhost:{playgroundPort}/_internal/v1/config", output);

            var (exit, drive) = await NodeTool.RunAsync(tool, Ct, "--experimental-websocket", "e2e.js", $"http://localhost:{playgroundPort}");

            Assert.True(exit == 0, drive + "\n--- processes ---\n" + output);
            Assert.Contains("e2e ok", drive, StringComparison.Ordinal);
            TestContext.Current.TestOutputHelper?.WriteLine(drive);
        }
        finally
        {
            ChildProcess.Stop(bot);
            ChildProcess.Stop(playground);
            work.Delete(recursive: true);
        }
    }
}
