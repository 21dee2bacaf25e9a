using System.Diagnostics;

namespace ChatTroubleshooter.Tests.Fakes;

/// <summary>
/// Runs the node checks in tests/card-check (Microsoft's adaptivecards renderer and templating). README's test
/// script installs their packages; outside CI a missing node or install skips the test with the reason, in CI
/// (CI=true) it fails.
/// </summary>
internal static class NodeTool
{
    public static string CheckDirectory() => ToolDirectory(Path.Combine("tests", "card-check", "check"));

    /// <summary>A node tool folder under the repository (found above the test output), with its packages installed.</summary>
    public static string ToolDirectory(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (Directory.Exists(candidate))
            {
                var modules = Path.Combine(candidate, "node_modules");
                if (!Directory.Exists(modules) || !CanRun("node"))
                {
                    Unavailable($"node or the packages in {candidate} are missing; run ./test.sh (it runs 'npm ci' there).");
                }

                return candidate;
            }
        }

        Unavailable($"{relative} was not found above the test output folder.");
        return "";
    }

    public static async Task<(int Exit, string Output)> RunAsync(string directory, CancellationToken ct, params string[] args)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await stdout + await stderr);
    }

    public static void Unavailable(string reason)
    {
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail("In CI the node card checks must run: " + reason);
        }

        Assert.Skip(reason);
    }

    private static bool CanRun(string tool)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(tool, "--version") { RedirectStandardOutput = true, RedirectStandardError = true });
            process!.WaitForExit(10_000);
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
