using System.Diagnostics;
using Microsoft.Extensions.Http.Logging;

namespace ChatTroubleshooter.Observability;

/// <summary>
/// Replaces HttpClientFactory's request logging, which writes every full URL at Information: a Slack
/// <c>response_url</c> is a capability (whoever holds it can post into the channel for 30 minutes), and our
/// other peers' URLs carry ids we need not spread. Logged here: method, scheme, host and the first path segment
/// (<c>POST https://hooks.slack.com/commands/…</c>), status and time; never a query, a token or a full path, at
/// any level.
/// </summary>
internal sealed class RedactedHttpLogger(ILogger<RedactedHttpLogger> logger) : IHttpClientLogger
{
    public object? LogRequestStart(HttpRequestMessage request) => null;

    public void LogRequestStop(object? context, HttpRequestMessage request, HttpResponseMessage response, TimeSpan elapsed) =>
        logger.LogDebug("{Method} {Url} answered {Status} in {Elapsed} ms.", request.Method, Redact(request.RequestUri), (int)response.StatusCode, (long)elapsed.TotalMilliseconds);

    public void LogRequestFailed(object? context, HttpRequestMessage request, HttpResponseMessage? response, Exception exception, TimeSpan elapsed) =>
        logger.LogDebug("{Method} {Url} failed after {Elapsed} ms: {Error}.", request.Method, Redact(request.RequestUri), (long)elapsed.TotalMilliseconds, exception.GetType().Name);

    /// <summary>Scheme, host, port and the first path segment; the rest of the path and the query become "…".</summary>
    public static string Redact(Uri? uri)
    {
        if (uri is null || !uri.IsAbsoluteUri)
        {
            return "(relative)";
        }

        var path = uri.AbsolutePath.Trim('/');
        var first = path.Split('/', 2)[0];
        var redacted = path.Length == 0 ? "" : "/" + first + (path.Length > first.Length || uri.Query.Length > 0 ? "/…" : "");
        Debug.Assert(!redacted.Contains('?'));
        return $"{uri.Scheme}://{uri.Authority}{redacted}";
    }
}
