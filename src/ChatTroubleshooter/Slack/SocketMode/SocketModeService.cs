using System.Net.WebSockets;
using System.Text.Json;
using ChatTroubleshooter.Outbox;
using Microsoft.Extensions.Options;
using ChatTroubleshooter.Http;

namespace ChatTroubleshooter.Slack.SocketMode;

/// <summary>
/// Socket Mode (<c>Slack__AppToken</c>): keeps <c>Slack__SocketConnections</c> WebSockets to Slack open and feeds what
/// arrives to the same reader and the same work path as the HTTP endpoints. Each connection slot opens a new connection
/// before closing the one Slack asks to replace (so nothing is missed), reconnects with jittered backoff when one drops,
/// and stops for good, saying why in the log and on <c>/readyz</c>, when Slack refuses the token or disables the link.
/// The same envelope delivered twice (two connections, or again after a reconnect) is stored once.
/// </summary>
internal sealed class SocketModeService(
    SlackConnectionsClient connections,
    SlackInboundReader reader,
    WorkIntake intake,
    RefusedRequestLog refused,
    SocketModeStatus status,
    IOptions<SlackOptions> options,
    TimeProvider time,
    ILogger<SocketModeService> logger) : BackgroundService
{
    private const string Source = "Slack Socket Mode";

    /// <summary>The longest wait between two attempts to connect.</summary>
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.UsesSocketMode)
        {
            return;
        }

        // A refused token or a disabled link stops every slot.
        using var fatal = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        await Task.WhenAll(Enumerable.Range(1, options.Value.SocketConnections).Select(slot => RunSlotAsync(slot, fatal)));
    }

    private async Task RunSlotAsync(int slot, CancellationTokenSource fatal)
    {
        var ct = fatal.Token;
        SocketModeConnection? current = null;
        var failures = 0;
        status.SlotStarted();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var (next, retryAfter, stop) = await ConnectAsync(slot, ct);
                if (stop is not null)
                {
                    Stop(stop, fatal);
                    return;
                }

                if (next is null)
                {
                    var delay = Backoff(++failures, retryAfter);
                    logger.LogInformation("Slack Socket Mode connection {Slot}: next attempt in {Delay:0.0} s.", slot, delay.TotalSeconds);
                    await Task.Delay(delay, time, ct);
                    continue;
                }

                failures = 0;
                status.Connected();
                if (current is not null)
                {
                    // The one Slack asked to replace: closed only now that its successor is live.
                    await CloseAsync(current);
                }

                current = next;
                var end = await current.Ended.WaitAsync(ct);
                switch (end)
                {
                    case ConnectionEnd.LinkDisabled:
                        Stop("Slack disabled this app's Socket Mode link (link_disabled): turn Socket Mode on again in the app's settings", fatal);
                        return;

                    case ConnectionEnd.ReplaceRequested:
                        logger.LogInformation("Slack Socket Mode connection {Slot}: Slack asked for a new connection; opening it before closing this one.", slot);
                        break;

                    default:
                        logger.LogWarning("Slack Socket Mode connection {Slot} dropped; reconnecting.", slot);
                        await CloseAsync(current);
                        current = null;
                        await Task.Delay(Backoff(++failures, null), time, ct);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            if (current is not null)
            {
                await CloseAsync(current);
            }

            status.SlotEnded();
        }
    }

    /// <summary>A live connection; or none, with how long Slack asked to wait; or why to stop for good.</summary>
    private async Task<(SocketModeConnection? Connection, TimeSpan? RetryAfter, string? Stop)> ConnectAsync(int slot, CancellationToken ct)
    {
        switch (await connections.OpenAsync(ct))
        {
            case ConnectionsOpen.Refused refusedToken:
                return (null, null, refusedToken.Reason);

            case ConnectionsOpen.Failed failed:
                logger.LogWarning("Slack Socket Mode connection {Slot}: apps.connections.open failed: {Reason}.", slot, failed.Reason);
                return (null, failed.RetryAfter, null);

            case ConnectionsOpen.Opened opened:
                try
                {
                    var connection = await SocketModeConnection.OpenAsync(
                        opened.Url, HandleAsync, Unreadable, Failed, options.Value.MaxBodyBytes, options.Value.SocketKeepAlive, ct);
                    // The URL carries a one-time ticket: only its host is logged.
                    logger.LogInformation("Slack Socket Mode connection {Slot} live ({Host}).", slot, opened.Url.Host);
                    return (connection, null, null);
                }
                catch (Exception e) when (e is WebSocketException or TimeoutException or HttpRequestException)
                {
                    logger.LogWarning("Slack Socket Mode connection {Slot}: could not connect to {Host}: {Error}", slot, opened.Url.Host, e.Message);
                    return (null, null, null);
                }

            default:
                throw new InvalidOperationException("Unknown apps.connections.open result.");
        }
    }

    /// <summary>
    /// One envelope: read by the same reader as the HTTP endpoints, its work stored (once: by event_id for events, by
    /// envelope_id otherwise). An acknowledgement (with a modal's errors when it has some) when it may be acknowledged;
    /// null when the store did not answer, so that Slack sends it again.
    /// </summary>
    private async Task<SocketAck?> HandleAsync(SocketEnvelope envelope, CancellationToken ct)
    {
        try
        {
            return await AcceptAsync(envelope, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug, not the envelope's fault: said loudly, not acknowledged (Slack sends it again), and the connection goes on.
            logger.LogError(e, "A Slack Socket Mode {Type} envelope could not be handled; Slack will send it again.", envelope.Type);
            return null;
        }
    }

    private async Task<SocketAck?> AcceptAsync(SocketEnvelope envelope, CancellationToken ct)
    {
        var inbound = Read(envelope);
        switch (inbound)
        {
            case SlackInbound.Refused unreadable:
                // Sending it again would not make it readable: acknowledged, and said once in the log.
                refused.Refused(Source, unreadable.Reason);
                return SocketAck.Plain;
            case SlackInbound.Answer answer:
                // What Slack waits for in the acknowledgement (a modal's errors), as the HTTP endpoint answers it.
                return new SocketAck(answer.Body);
            case SlackInbound.Work { OnceKey: null } work:
                inbound = work with { OnceKey = $"slack:envelope:{envelope.EnvelopeId}" };
                break;
        }

        return await inbound.AcceptAsync(intake, reader.EventDedupeWindow, Source, ct) is WorkIntake.Outcome.Unavailable ? null : SocketAck.Plain;
    }

    private SlackInbound Read(SocketEnvelope envelope)
    {
        if (envelope.Payload is not { ValueKind: JsonValueKind.Object } payload)
        {
            return envelope.Type is "events_api" or "slash_commands" or "interactive"
                ? new SlackInbound.Refused($"A {envelope.Type} envelope needs a payload object.")
                : SlackInbound.Nothing.Instance;
        }

        try
        {
            return envelope.Type switch
            {
                "events_api" => reader.Event(JsonSerializer.SerializeToUtf8Bytes(payload)),
                "slash_commands" => reader.Command(SlashCommand.From(payload.Deserialize(SlackJson.Default.SlashCommandPayload))),
                "interactive" => reader.Interaction(JsonSerializer.SerializeToUtf8Bytes(payload)),
                _ => SlackInbound.Nothing.Instance,
            };
        }
        catch (JsonException e)
        {
            return new SlackInbound.Refused($"Not a slash command: unreadable at {e.Path}.");
        }
    }

    private void Unreadable(string what) => refused.Refused(Source, what);

    private void Failed(Exception e) => logger.LogError(e, "A Slack Socket Mode connection failed unexpectedly; replacing it.");

    private void Stop(string reason, CancellationTokenSource fatal)
    {
        if (status.Stop(reason))
        {
            logger.LogError("Slack Socket Mode stopped and will not retry: {Reason}.", reason);
        }

        fatal.Cancel();
    }

    private async Task CloseAsync(SocketModeConnection connection)
    {
        await connection.CloseAsync();
        await connection.DisposeAsync();
        status.Disconnected();
    }

    /// <summary>Exponential from 1 s to a minute, jittered (so that many bots restarting together spread out), or Slack's Retry-After.</summary>
    internal static TimeSpan Backoff(int failures, TimeSpan? retryAfter)
    {
        var exponential = Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(failures, 10) - 1));
        var jittered = TimeSpan.FromSeconds(exponential * (0.5 + Random.Shared.NextDouble() / 2));
        return retryAfter is { } after && after > jittered ? after : jittered;
    }
}
