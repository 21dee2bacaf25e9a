using System.Net;
using System.Text.Json.Nodes;
using System.Web;

namespace ChatTroubleshooter.Tests.Fakes;

/// <summary>The two ways Slack reaches the bot: signed HTTP requests, or envelopes over Socket Mode WebSockets.</summary>
public enum SlackWay
{
    Http,
    SocketMode,
}

/// <summary>What Slack got back for a delivery: acknowledged (a 2xx, or an ack within 3 s), and over HTTP its status and body.</summary>
internal sealed record Delivered(bool Acknowledged, HttpStatusCode? Status, string Body);

/// <summary>
/// A bot reached the way a test says: Slack's payloads are signed and posted to the three URLs, or sent as Socket Mode
/// envelopes by <see cref="SlackSocketModeFake"/> (the bot then has no signing secret at all). Everything after the
/// edge (the work, the replies through response_url and the Web API) is the same, and is what the scenarios check.
/// </summary>
internal sealed class SlackIngress : IAsyncDisposable
{
    private SlackIngress(SlackWay way, BotApp app, SlackSocketModeFake? socket)
    {
        Way = way;
        App = app;
        Socket = socket;
        Client = app.CreateClient();
    }

    public SlackWay Way { get; }

    public BotApp App { get; }

    public HttpClient Client { get; }

    public SlackSocketModeFake? Socket { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<SlackIngress> StartAsync(SlackWay way, Dictionary<string, string?>? settings = null)
    {
        settings ??= [];
        SlackSocketModeFake? socket = null;
        if (way == SlackWay.SocketMode)
        {
            socket = await SlackSocketModeFake.StartAsync();
            settings["Slack:AppToken"] = SlackSocketModeFake.AppToken;
            settings["Slack:ApiBaseUrl"] = socket.ApiBaseUrl;
            // Socket Mode needs no signing secret (and the HTTP endpoints then refuse everything).
            settings["Slack:SigningSecret"] = "";
        }

        var ingress = new SlackIngress(way, new BotApp(settings), socket);
        if (socket is not null)
        {
            await socket.OpenConnectionsAsync(2);
        }

        return ingress;
    }

    /// <summary>A slash command, from its form body (over Socket Mode: the same fields as a JSON payload).</summary>
    public Task<Delivered> CommandAsync(string formBody)
    {
        if (Way == SlackWay.Http)
        {
            return PostAsync(BotApp.Signed("/slack/commands", formBody, SlackRequests.Form));
        }

        var form = HttpUtility.ParseQueryString(formBody);
        var payload = new JsonObject();
        foreach (var key in form.AllKeys.OfType<string>())
        {
            payload[key] = form[key];
        }

        return SendAsync("slash_commands", payload);
    }

    /// <summary>An Events API envelope; <paramref name="retry"/> > 0 is Slack sending it again (X-Slack-Retry-Num, or retry_attempt).</summary>
    public Task<Delivered> EventAsync(string json, int retry = 0)
    {
        if (Way == SlackWay.SocketMode)
        {
            return SendAsync("events_api", JsonNode.Parse(json)!, retry);
        }

        var request = BotApp.Signed("/slack/events", json, "application/json");
        if (retry > 0)
        {
            request.Headers.Add("X-Slack-Retry-Num", retry.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("X-Slack-Retry-Reason", "http_timeout");
        }

        return PostAsync(request);
    }

    /// <summary>An interaction payload (JSON): the <c>payload</c> form field over HTTP, an <c>interactive</c> envelope over Socket Mode.</summary>
    public Task<Delivered> InteractionAsync(string payloadJson) => Way == SlackWay.Http
        ? PostAsync(BotApp.Signed("/slack/interactions", "payload=" + Uri.EscapeDataString(payloadJson), SlackRequests.Form))
        : SendAsync("interactive", JsonNode.Parse(payloadJson)!);

    /// <summary>Proof that the worker is alive before asserting that something was not sent (see <see cref="BotApp.SentinelAsync"/>).</summary>
    public async Task SentinelAsync()
    {
        static bool IsResponse(HttpRequestMessage r) => r.RequestUri!.Host == "hooks.slack.com";
        var before = App.Slack.Requests.Count(IsResponse);
        Assert.True((await CommandAsync(SlackRequests.SlashCommandBody("help"))).Acknowledged);
        Assert.Equal(before + 1, (await App.WaitForAsync(IsResponse, count: before + 1)).Length);
        await App.DrainAsync();
    }

    private async Task<Delivered> PostAsync(HttpRequestMessage request)
    {
        using var response = await Client.SendAsync(request, Ct);
        return new Delivered(response.IsSuccessStatusCode, response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private async Task<Delivered> SendAsync(string type, JsonNode payload, int retry = 0)
    {
        var id = await Socket!.SendAsync(type, payload, retryAttempt: retry);
        try
        {
            await Socket.AckedAsync(id);
            return new Delivered(true, null, "");
        }
        catch (TimeoutException)
        {
            return new Delivered(false, null, "");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        if (Socket is not null)
        {
            await Socket.DisposeAsync();
        }
    }
}
