using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace ChatTroubleshooter.Tests.Fakes;

/// <summary>A fake HTTP peer: answers each request with the first matching route and records what it got.</summary>
internal sealed class RecordingHandler : HttpMessageHandler
{
    private readonly List<(Func<HttpRequestMessage, bool> Match, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Respond)> _routes = [];

    public ConcurrentQueue<HttpRequestMessage> Requests { get; } = new();

    /// <summary>Request bodies as sent, by request (contents are read before the caller disposes them).</summary>
    public ConcurrentDictionary<HttpRequestMessage, string> Bodies { get; } = new();

    public string Body(HttpRequestMessage request) => Bodies.GetValueOrDefault(request, "");

    public RecordingHandler On(string pathAndQueryPrefix, Func<HttpRequestMessage, HttpResponseMessage> respond) =>
        On(r => r.RequestUri!.PathAndQuery.StartsWith(pathAndQueryPrefix, StringComparison.Ordinal), (r, _) => Task.FromResult(respond(r)));

    public RecordingHandler On(Func<HttpRequestMessage, bool> match, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond)
    {
        _routes.Add((match, respond));
        return this;
    }

    /// <summary>A route that goes before every route added so far (a test's exception to a fake's usual answer).</summary>
    public RecordingHandler OnFirst(Func<HttpRequestMessage, bool> match, Func<HttpRequestMessage, HttpResponseMessage> respond)
    {
        _routes.Insert(0, (match, (r, _) => Task.FromResult(respond(r))));
        return this;
    }

    /// <summary>Answers with each response in turn, then keeps answering with the last one.</summary>
    public RecordingHandler OnSequence(string pathPrefix, params Func<HttpResponseMessage>[] responses)
    {
        var index = 0;
        return On(pathPrefix, _ => responses[Math.Min(Interlocked.Increment(ref index) - 1, responses.Length - 1)]());
    }

    /// <summary>Forgets what was recorded (a long test measuring the bot's memory, not the fake's).</summary>
    public void Clear()
    {
        Requests.Clear();
        Bodies.Clear();
    }

    public int Count(string pathPrefix) => Requests.Count(r => r.RequestUri!.PathAndQuery.StartsWith(pathPrefix, StringComparison.Ordinal));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Bodies[request] = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Enqueue(request);
        foreach (var (match, respond) in _routes)
        {
            if (match(request))
            {
                return await respond(request, cancellationToken);
            }
        }

        return new HttpResponseMessage(HttpStatusCode.NotFound);
    }

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static HttpResponseMessage Status(HttpStatusCode status) => new(status) { Content = new StringContent("{}") };
}
