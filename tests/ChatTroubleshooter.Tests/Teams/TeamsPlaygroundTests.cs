using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
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
        var botPort = FreePort();
        var playgroundPort = FreePort();
        var work = Directory.CreateTempSubdirectory("playground-");
        var output = new System.Text.StringBuilder();

        using var bot = Start("dotnet", AppContext.BaseDirectory, output, "bot",
            ["ChatTroubleshooter.dll", "--urls", $"http://127.0.0.1:{botPort}"],
            new() { ["ASPNETCORE_ENVIRONMENT"] = "Development", ["Teams__AllowAnonymous"] = "true", ["Aircall__Demo"] = "true", ["State__SqlitePath"] = Path.Combine(work.FullName, "state.db"), ["Teams__AppId"] = "", ["Logging__LogLevel__Default"] = "Warning" });
        using var playground = Start("node", work.FullName, output, "playground",
            [Path.Combine(tool, "node_modules", "@microsoft", "m365agentsplayground", "cli.js"),
             "--app-endpoint", $"http://127.0.0.1:{botPort}/api/messages", "--channel-id", "msteams",
             "--port", playgroundPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--disable-telemetry"],
            new() { ["TEAMSAPPTESTER_BROWSER"] = "none" });
        try
        {
            await WaitUntilUpAsync($"http://127.0.0.1:{botPort}/healthz", output);
            await WaitUntilUpAsync($"http://localhost:{playgroundPort}/_internal/v1/config", output);

            var (exit, drive) = await NodeTool.RunAsync(tool, Ct, "--experimental-websocket", "e2e.js", $"http://localhost:{playgroundPort}");

            Assert.True(exit == 0, drive + "\n--- processes ---\n" + output);
            Assert.Contains("e2e ok", drive, StringComparison.Ordinal);
            TestContext.Current.TestOutputHelper?.WriteLine(drive);
        }
        finally
        {
            Stop(bot);
            Stop(playground);
            work.Delete(recursive: true);
        }
    }

    private static Process Start(string file, string directory, System.Text.StringBuilder output, string name, string[] args, Dictionary<string, string> env)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine($"[{name}] {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine($"[{name}] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitUntilUpAsync(string url, System.Text.StringBuilder output)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await http.GetAsync(url, Ct)).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!Ct.IsCancellationRequested)
            {
            }

            await Task.Delay(100, Ct);
        }

        Assert.Fail($"{url} did not come up.\n{output}");
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
