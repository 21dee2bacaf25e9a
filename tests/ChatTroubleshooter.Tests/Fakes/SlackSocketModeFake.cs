using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatTroubleshooter.Tests.Fakes;

/// <summary>
/// Slack's side of Socket Mode on loopback (Kestrel WebSockets): <c>apps.connections.open</c> answers a <c>ws://</c>
/// URL with a one-time ticket; each connection gets <c>hello</c>, then the envelopes a test sends, and the fake records
/// the bot's acks. As Slack does, an envelope not acknowledged when its connection drops is sent again, with
/// <c>retry_attempt</c> one higher, on the next connection. Message shapes: <c>TestData/slack/socket_mode_*.json</c>.
/// The WebSockets go through a TCP relay, so that a test can make the connections open so far go silent (no data, no
/// pong, the TCP connection still up) as a dead network path does.
/// </summary>
internal sealed class SlackSocketModeFake : IAsyncDisposable
{
    public const string AppToken = "xapp-1-A111-1-0123456789abcdef";

    private readonly WebApplication _app;
    private readonly TcpListener _relay = new(IPAddress.Loopback, 0);
    private readonly ConcurrentQueue<RelayedPair> _relayed = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Connection>> _acks = new();
    private readonly ConcurrentDictionary<string, (Connection On, JsonObject Envelope)> _unacked = new();
    private int _tickets;
    private int _opens;

    private SlackSocketModeFake(WebApplication app) => _app = app;

    public string ApiBaseUrl => $"http://127.0.0.1:{Port}/api/";

    public int Port { get; private set; }

    /// <summary>Every connection the bot opened, in order.</summary>
    public ConcurrentQueue<Connection> Connections { get; } = new();

    /// <summary>How often the bot called apps.connections.open.</summary>
    public int Opens => Volatile.Read(ref _opens);

    /// <summary>What apps.connections.open answers instead of a URL (e.g. "invalid_auth"); null: a URL.</summary>
    public string? OpenError { get; set; }

    /// <summary>Acks received, by envelope id: how many times each was acknowledged.</summary>
    public ConcurrentDictionary<string, int> AckCounts { get; } = new();

    /// <summary>The payload an acknowledgement carried (a modal's errors), by envelope id.</summary>
    public ConcurrentDictionary<string, JsonNode?> AckPayloads { get; } = new();

    public static async Task<SlackSocketModeFake> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new SlackSocketModeFake(app);
        app.UseWebSockets();
        app.MapPost("/api/apps.connections.open", (HttpContext http) =>
        {
            Interlocked.Increment(ref fake._opens);
            if (http.Request.Headers.Authorization != $"Bearer {AppToken}")
            {
                return Results.Json(new JsonObject { ["ok"] = false, ["error"] = "invalid_auth" });
            }

            return fake.OpenError is { } error
                ? Results.Json(new JsonObject { ["ok"] = false, ["error"] = error })
                : Results.Json(new JsonObject { ["ok"] = true, ["url"] = $"ws://127.0.0.1:{fake.RelayPort}/link/?ticket={Interlocked.Increment(ref fake._tickets)}" });
        });
        app.Map("/link", async (HttpContext http) =>
        {
            if (!http.WebSockets.IsWebSocketRequest)
            {
                http.Response.StatusCode = 400;
                return;
            }

            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            var connection = new Connection(socket, fake.Connections.Count + 1);
            fake.Connections.Enqueue(connection);
            await connection.SendAsync(TestData.Read("slack/socket_mode_hello.json"));
            // What was not acknowledged on a connection that went away, Slack sends again here.
            foreach (var (id, (on, envelope)) in fake._unacked)
            {
                if (on.IsClosed && fake._unacked.TryUpdate(id, (connection, envelope), (on, envelope)))
                {
                    envelope["retry_attempt"] = ((int?)envelope["retry_attempt"] ?? 0) + 1;
                    envelope["retry_reason"] = "timeout";
                    await connection.SendAsync(envelope.ToJsonString());
                }
            }

            await fake.ReceiveAsync(connection);
        });
        await app.StartAsync();
        fake.Port = new Uri(app.Urls.First()).Port;
        fake._relay.Start();
        _ = fake.RelayAsync();
        return fake;
    }

    private int RelayPort => ((IPEndPoint)_relay.LocalEndpoint).Port;

    /// <summary>Makes every connection open so far go silent: nothing more is relayed either way, nothing is closed.</summary>
    public void SilenceOpenConnections()
    {
        foreach (var pair in _relayed)
        {
            pair.Silenced = true;
        }
    }

    private async Task RelayAsync()
    {
        while (true)
        {
            TcpClient bot;
            try
            {
                bot = await _relay.AcceptTcpClientAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            var server = new TcpClient();
            await server.ConnectAsync(IPAddress.Loopback, Port);
            var pair = new RelayedPair(bot, server);
            _relayed.Enqueue(pair);
            _ = pair.PumpAsync(bot.GetStream(), server.GetStream());
            _ = pair.PumpAsync(server.GetStream(), bot.GetStream());
        }
    }

    /// <summary>One relayed TCP connection: bytes copied both ways until it is silenced or either side closes.</summary>
    private sealed class RelayedPair(TcpClient bot, TcpClient server)
    {
        public volatile bool Silenced;

        public async Task PumpAsync(NetworkStream from, NetworkStream to)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                int read;
                while ((read = await from.ReadAsync(buffer)) > 0)
                {
                    if (!Silenced)
                    {
                        await to.WriteAsync(buffer.AsMemory(0, read));
                    }
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
            {
            }

            if (!Silenced)
            {
                bot.Close();
                server.Close();
            }
        }
    }

    private async Task ReceiveAsync(Connection connection)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var result = await connection.Socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    connection.ClosedByBot = true;
                    await connection.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    break;
                }

                var ack = JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, result.Count));
                if (!connection.LosesAcks && ack?["envelope_id"]?.GetValue<string>() is { } id)
                {
                    AckPayloads[id] = ack["payload"]?.DeepClone();
                    AckCounts.AddOrUpdate(id, 1, (_, n) => n + 1);
                    _unacked.TryRemove(id, out _);
                    _acks.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(connection);
                }
            }
        }
        catch (WebSocketException)
        {
        }
        finally
        {
            connection.ClosedAt ??= DateTime.UtcNow;
            connection.IsClosed = true;
        }
    }

    /// <summary>Sends an envelope of <paramref name="type"/> with <paramref name="payload"/> on a connection (default: the newest open one); its envelope id.</summary>
    public async Task<string> SendAsync(string type, JsonNode payload, Connection? on = null, string? envelopeId = null, int retryAttempt = 0)
    {
        var connection = on ?? await OpenConnectionAsync();
        var id = envelopeId ?? Guid.NewGuid().ToString();
        // Slack's own envelope of that type (from its SDK's tests), with this id and payload.
        var envelope = JsonNode.Parse(TestData.Read(type switch
        {
            "slash_commands" => "slack/socket_mode_slash_commands.json",
            "events_api" => "slack/socket_mode_events_api.json",
            "interactive" => "slack/socket_mode_interactive_shortcut.json",
            _ => throw new ArgumentException($"No envelope template for {type}.", nameof(type)),
        }))!.AsObject();
        envelope["envelope_id"] = id;
        envelope["payload"] = payload.DeepClone();
        if (type == "events_api")
        {
            envelope["retry_attempt"] = retryAttempt;
        }

        _unacked[id] = (connection, envelope);
        await connection.SendAsync(envelope.ToJsonString());
        return id;
    }

    /// <summary>The connection (by default the first) acknowledged <paramref name="envelopeId"/> on; fails after Slack's 3 s.</summary>
    public async Task<Connection> AckedAsync(string envelopeId, int seconds = 3) =>
        await _acks.GetOrAdd(envelopeId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(TimeSpan.FromSeconds(seconds));

    /// <summary>Waits until the bot has <paramref name="count"/> connections open.</summary>
    public async Task<Connection[]> OpenConnectionsAsync(int count, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var open = Connections.Where(c => !c.IsClosed).ToArray();
            if (open.Length >= count)
            {
                return open;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{open.Length} of {count} Socket Mode connections open after {seconds} s.");
            }

            await Task.Delay(20);
        }
    }

    private async Task<Connection> OpenConnectionAsync() => (await OpenConnectionsAsync(1))[^1];

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in Connections)
        {
            connection.Socket.Abort();
        }

        _relay.Stop();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>One WebSocket the bot opened.</summary>
    internal sealed class Connection(WebSocket socket, int number)
    {
        private readonly SemaphoreSlim _sending = new(1, 1);

        public WebSocket Socket { get; } = socket;

        public int Number { get; } = number;

        public volatile bool IsClosed;

        public DateTime OpenedAt { get; } = DateTime.UtcNow;

        /// <summary>When it closed (either side), or null while open.</summary>
        public DateTime? ClosedAt { get; set; }

        /// <summary>Acks on it never reach Slack (lost with the connection about to drop).</summary>
        public volatile bool LosesAcks;

        /// <summary>The bot closed it (a close frame), rather than the network or the fake dropping it.</summary>
        public volatile bool ClosedByBot;

        public async Task SendAsync(string json)
        {
            await _sending.WaitAsync();
            try
            {
                await Socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            }
            finally
            {
                _sending.Release();
            }
        }

        /// <summary>Sends bytes as one text message, whatever they are (a fuzz test's broken UTF-8 included).</summary>
        public async Task SendRawAsync(byte[] message)
        {
            await _sending.WaitAsync();
            try
            {
                await Socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            }
            finally
            {
                _sending.Release();
            }
        }

        /// <summary>Drops the connection without a close frame, as a network failure would.</summary>
        public void Drop()
        {
            ClosedAt ??= DateTime.UtcNow;
            IsClosed = true;
            Socket.Abort();
        }
    }
}
