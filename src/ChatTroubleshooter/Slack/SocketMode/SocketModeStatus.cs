using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatTroubleshooter.Slack.SocketMode;

/// <summary>How Socket Mode is doing, for <c>/readyz</c>: live connections, or why it stopped for good.</summary>
internal sealed class SocketModeStatus
{
    private int _live;
    private int _slots;
    private string? _stopped;

    public int Live => Volatile.Read(ref _live);

    /// <summary>Connection slots still running their loop; none once Socket Mode stopped for good (nothing can reconnect).</summary>
    public int Slots => Volatile.Read(ref _slots);

    public void SlotStarted() => Interlocked.Increment(ref _slots);

    public void SlotEnded() => Interlocked.Decrement(ref _slots);

    /// <summary>Why Socket Mode stopped and will not retry (the token refused, <c>link_disabled</c>); null while it runs.</summary>
    public string? Stopped => Volatile.Read(ref _stopped);

    public void Connected() => Interlocked.Increment(ref _live);

    public void Disconnected() => Interlocked.Decrement(ref _live);

    /// <summary>Records why it stopped; true for the first reason only (the one to log).</summary>
    public bool Stop(string reason) => Interlocked.CompareExchange(ref _stopped, reason, null) is null;
}

/// <summary>Ready once a Socket Mode connection is live; not ready, saying why, when it stopped for good.</summary>
internal sealed class SocketModeHealthCheck(SocketModeStatus status, Microsoft.Extensions.Options.IOptions<SlackOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(status switch
        {
            _ when !options.Value.UsesSocketMode => HealthCheckResult.Healthy("Socket Mode off"),
            { Stopped: { } reason } => HealthCheckResult.Unhealthy($"Socket Mode stopped: {reason}"),
            { Live: > 0 and var live } => HealthCheckResult.Healthy($"{live} Socket Mode connection(s) live"),
            _ => HealthCheckResult.Unhealthy("Socket Mode is connecting"),
        });
}
