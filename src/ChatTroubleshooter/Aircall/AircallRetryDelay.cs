using System.Globalization;

namespace ChatTroubleshooter.Aircall;

/// <summary>
/// How long to wait after a 429: <c>Retry-After</c> (seconds or an HTTP date) if present, else
/// <c>X-AircallApi-Reset</c>, a UNIX time whose unit Aircall does not state (values under 10^12 are read as
/// seconds, larger as milliseconds), else the regular backoff. Never longer than <paramref name="max"/>.
/// </summary>
internal static class AircallRetryDelay
{
    public const string ResetHeader = "X-AircallApi-Reset";

    public static TimeSpan? For429(HttpResponseMessage response, DateTimeOffset now, TimeSpan max)
    {
        TimeSpan? wait = null;
        if (response.Headers.RetryAfter is { } retryAfter)
        {
            wait = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - now : null);
        }
        else if (response.Headers.TryGetValues(ResetHeader, out var values)
                 && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var reset))
        {
            var resetAt = reset < 1_000_000_000_000
                ? DateTimeOffset.FromUnixTimeSeconds(reset)
                : DateTimeOffset.FromUnixTimeMilliseconds(reset);
            wait = resetAt - now;
        }

        if (wait is null)
        {
            return null;
        }

        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > max ? max : wait;
    }
}
