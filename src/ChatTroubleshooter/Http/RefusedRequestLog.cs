using System.Collections.Concurrent;

namespace ChatTroubleshooter.Http;

/// <summary>
/// One short line per refused request (a bad signature or token, a client that is not allowed), never a stack trace,
/// and at most one line per source every 10 seconds: a flood of forged requests cannot flood the log. The line after
/// a quiet spell says how many were refused meanwhile.
/// </summary>
internal sealed class RefusedRequestLog(TimeProvider time, ILogger<RefusedRequestLog> logger)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Source> _sources = new(StringComparer.Ordinal);

    /// <param name="source">A fixed name (e.g. "Slack /slack/events", "Bot Connector"): the set of sources is small and bounded.</param>
    public void Refused(string source, string reason)
    {
        var state = _sources.GetOrAdd(source, _ => new Source());
        var now = time.GetUtcNow();
        int suppressed;
        lock (state)
        {
            if (now - state.LastLogged < Window)
            {
                state.Suppressed++;
                return;
            }

            suppressed = state.Suppressed;
            state.Suppressed = 0;
            state.LastLogged = now;
        }

        if (suppressed == 0)
        {
            logger.LogWarning("Refused a {Source} request: {Reason}.", source, reason);
        }
        else
        {
            logger.LogWarning("Refused a {Source} request: {Reason} ({Suppressed} more refused since the last line, not logged).", source, reason, suppressed);
        }
    }

    private sealed class Source
    {
        public DateTimeOffset LastLogged { get; set; } = DateTimeOffset.MinValue;

        public int Suppressed { get; set; }
    }
}
