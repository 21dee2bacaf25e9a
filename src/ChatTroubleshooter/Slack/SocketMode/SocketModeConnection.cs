using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace ChatTroubleshooter.Slack.SocketMode;

/// <summary>Why a connection ended, or asks to be replaced.</summary>
internal enum ConnectionEnd
{
    /// <summary>The socket closed or broke (Slack closed it, the network dropped it, no pong came back).</summary>
    Dropped,

    /// <summary>Slack said <c>disconnect</c> (<c>refresh_requested</c>, <c>warning</c>): open another, then close this one.</summary>
    ReplaceRequested,

    /// <summary>Slack said <c>link_disabled</c>: Socket Mode was turned off for the app.</summary>
    LinkDisabled,
}

/// <summary>
/// One Socket Mode WebSocket: waits for <c>hello</c>, then reads Slack's messages one at a time and hands each envelope
/// to the bot, acknowledging it (<c>{"envelope_id":…}</c>) once the bot says it is stored. Keepalive
/// (<c>Slack__SocketKeepAlive</c>, 10 s): a ping at that interval, and the socket is aborted when no pong comes back
/// within twice that (so a silent connection is replaced within 30 s).
/// </summary>
internal sealed class SocketModeConnection : IAsyncDisposable
{
    private static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(1);

    private readonly ClientWebSocket _socket = new();
    private readonly Func<SocketEnvelope, CancellationToken, Task<SocketAck?>> _handle;
    private readonly Action<string> _unreadable;
    private readonly Action<Exception> _failed;
    private readonly int _maxMessageBytes;
    private readonly TaskCompletionSource _hello = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<ConnectionEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _sending = new(1, 1);

    /// <summary>Held while an envelope is handled, so that a close waits for its ack instead of cutting it off.</summary>
    private readonly SemaphoreSlim _dispatching = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    private SocketModeConnection(
        Func<SocketEnvelope, CancellationToken, Task<SocketAck?>> handle, Action<string> unreadable, Action<Exception> failed, int maxMessageBytes, TimeSpan keepAlive)
    {
        _handle = handle;
        _unreadable = unreadable;
        _failed = failed;
        _maxMessageBytes = maxMessageBytes;
        _socket.Options.KeepAliveInterval = keepAlive;
        _socket.Options.KeepAliveTimeout = keepAlive * 2;
    }

    /// <summary>Completes when the connection ended, or asks to be replaced (it keeps working until it is closed).</summary>
    public Task<ConnectionEnd> Ended => _ended.Task;

    /// <param name="handle">Stores an envelope's work; true when it may be acknowledged (stored, a duplicate, or nothing to store).</param>
    /// <param name="unreadable">Told about a message the bot could not read (it is not acknowledged).</param>
    /// <param name="failed">Told about an unexpected failure of the connection (it then ends as dropped).</param>
    /// <param name="keepAlive">The ping interval; no pong within twice that aborts the socket.</param>
    public static async Task<SocketModeConnection> OpenAsync(
        Uri url, Func<SocketEnvelope, CancellationToken, Task<SocketAck?>> handle, Action<string> unreadable, Action<Exception> failed,
        int maxMessageBytes, TimeSpan keepAlive, CancellationToken ct)
    {
        var connection = new SocketModeConnection(handle, unreadable, failed, maxMessageBytes, keepAlive);
        try
        {
            await connection._socket.ConnectAsync(url, ct);
            connection._loop = connection.ReceiveLoopAsync();
            await connection._hello.Task.WaitAsync(HelloTimeout, ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Closes the connection (a close frame, then an abort after a second: Slack does not always answer it).</summary>
    public async Task CloseAsync()
    {
        try
        {
            await SendCloseAsync();
            await _loop.WaitAsync(CloseTimeout);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException or ObjectDisposedException)
        {
        }
        finally
        {
            await _stop.CancelAsync();
            _socket.Abort();
        }
    }

    /// <summary>The close frame, once the envelope being handled got its ack (it is stored within the ack budget, 2 s).</summary>
    private async Task SendCloseAsync()
    {
        var idle = await _dispatching.WaitAsync(TimeSpan.FromSeconds(3));
        try
        {
            await _sending.WaitAsync();
            try
            {
                if (_socket.State == WebSocketState.Open)
                {
                    using var timeout = new CancellationTokenSource(CloseTimeout);
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "replaced", timeout.Token);
                }
            }
            finally
            {
                _sending.Release();
            }
        }
        finally
        {
            if (idle)
            {
                _dispatching.Release();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Abort();
        // The loop ends on its own once the socket is aborted, and never throws (see ReceiveLoopAsync).
        await _loop;

        _socket.Dispose();
        _sending.Dispose();
        _dispatching.Dispose();
        _stop.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        try
        {
            while (true)
            {
                buffer.ResetWrittenCount();
                var (closed, tooLarge) = await ReceiveMessageAsync(buffer);
                if (closed)
                {
                    break;
                }

                if (tooLarge)
                {
                    _unreadable($"a message over {_maxMessageBytes} bytes");
                    continue;
                }

                await _dispatching.WaitAsync(_stop.Token);
                try
                {
                    await DispatchAsync(buffer.WrittenMemory);
                }
                finally
                {
                    _dispatching.Release();
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Dropped: the network, no pong within the keepalive timeout, or closed by us.
        }
        catch (Exception e)
        {
            // Not expected: said (with its stack) by the owner, and the connection is replaced like a dropped one.
            _failed(e);
        }
        finally
        {
            _hello.TrySetException(new WebSocketException("The connection closed before Slack said hello."));
            _ended.TrySetResult(ConnectionEnd.Dropped);
        }
    }

    /// <summary>Reads one text message (its frames joined); skips what is over the size limit, and binary messages.</summary>
    private async Task<(bool Closed, bool TooLarge)> ReceiveMessageAsync(ArrayBufferWriter<byte> buffer)
    {
        var tooLarge = false;
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var result = await _socket.ReceiveAsync(memory, _stop.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (true, false);
            }

            if (!tooLarge)
            {
                buffer.Advance(result.Count);
                if (buffer.WrittenCount > _maxMessageBytes)
                {
                    tooLarge = true;
                }
            }

            if (result.EndOfMessage)
            {
                return (false, tooLarge || result.MessageType != WebSocketMessageType.Text);
            }

            if (tooLarge)
            {
                buffer.ResetWrittenCount();
            }
        }
    }

    private async Task DispatchAsync(ReadOnlyMemory<byte> message)
    {
        SocketEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(message.Span, SlackJson.Default.SocketEnvelope);
        }
        catch (JsonException e)
        {
            _unreadable(e.Path is { Length: > 1 } path ? $"a message unreadable at {path}" : "a message that is not JSON");
            return;
        }

        switch (envelope)
        {
            case { Type: "hello" }:
                _hello.TrySetResult();
                return;

            case { Type: "disconnect", Reason: "link_disabled" }:
                _ended.TrySetResult(ConnectionEnd.LinkDisabled);
                return;

            case { Type: "disconnect" }:
                // refresh_requested, warning (and any reason to come): Slack closes this one soon.
                _ended.TrySetResult(ConnectionEnd.ReplaceRequested);
                return;

            case { EnvelopeId: { } id } when !IsEnvelopeId(id):
                _unreadable("an envelope whose envelope_id is not one");
                return;

            case { EnvelopeId: { } id }:
                if (await _handle(envelope, _stop.Token) is { } ack)
                {
                    await AckAsync(id, ack.Payload);
                }

                return;

            default:
                // Nothing to acknowledge.
                return;
        }
    }

    /// <summary>The acknowledgement, with what Slack waits for in it (a modal's errors) when there is something.</summary>
    private async Task AckAsync(string envelopeId, System.Text.Json.Nodes.JsonObject? payload)
    {
        var ack = payload is null
            ? Encoding.UTF8.GetBytes($$"""{"envelope_id":"{{envelopeId}}"}""")
            : Encoding.UTF8.GetBytes(new System.Text.Json.Nodes.JsonObject { ["envelope_id"] = envelopeId, ["payload"] = payload.DeepClone() }.ToJsonString());
        await _sending.WaitAsync(_stop.Token);
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.SendAsync(ack, WebSocketMessageType.Text, endOfMessage: true, _stop.Token);
            }
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>Slack's envelope ids are UUIDs; anything else is not echoed back.</summary>
    private static bool IsEnvelopeId(string id) =>
        id.Length is > 0 and <= 64 && id.AsSpan().IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") < 0;
}

/// <summary>An envelope may be acknowledged, with this payload in the acknowledgement (null: none).</summary>
internal sealed record SocketAck(System.Text.Json.Nodes.JsonObject? Payload)
{
    public static readonly SocketAck Plain = new((System.Text.Json.Nodes.JsonObject?)null);
}
