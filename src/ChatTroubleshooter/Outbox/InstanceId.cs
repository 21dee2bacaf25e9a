using System.Diagnostics;
using System.Globalization;

namespace ChatTroubleshooter.Outbox;

/// <summary>
/// Who holds a lease: <c>machine:pid:start</c> of this process (the start time tells a reused pid from the process
/// that held the lease). On one machine a holder can be checked: if its process is gone, its leases can be taken back
/// at once instead of when they end.
/// </summary>
internal static class InstanceId
{
    public static string Current { get; } = Of(Environment.MachineName, Environment.ProcessId, StartTicks(Process.GetCurrentProcess()));

    public static string Of(string machine, int pid, long startTicks) => string.Create(CultureInfo.InvariantCulture, $"{machine}:{pid}:{startTicks}");

    /// <summary>True only when <paramref name="owner"/> is a process of this machine that no longer runs.</summary>
    public static bool IsDeadOnThisMachine(string owner)
    {
        var parts = owner.Split(':');
        if (parts.Length != 3 || parts[0] != Environment.MachineName
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var started))
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return StartTicks(process) != started;
        }
        catch (ArgumentException)
        {
            return true;
        }
        catch (InvalidOperationException)
        {
            // Exited while we looked.
            return true;
        }
    }

    private static long StartTicks(Process process)
    {
        try
        {
            return process.StartTime.ToUniversalTime().Ticks;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return 0;
        }
    }
}
