using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

/// <summary>
/// The load test's own web server (loopback only): the baseline endpoint (reads the form, returns 200), a Bot
/// Framework stand-in (OpenID metadata, JWKS with an "msteams"-endorsed test key, signed tokens), a fake
/// Connector that records when each reply arrives (for the ack-to-answer latency), and Slack's side of Socket Mode:
/// <c>POST /socket-load</c> pushes slash command envelopes over the bot's WebSockets at a rate and reports how long
/// the bot took to acknowledge each (the envelope's work stored).
/// </summary>
internal static class Serve
{
    public const string AppId = "7c1c2e4a-0b5e-4d8e-9a43-2f5b7e6d9a10";

    public static readonly ConcurrentDictionary<string, long> Replies = new(StringComparer.Ordinal);

    /// <summary>When each call's Insight Card reached the fake Aircall (a Stopwatch timestamp), by call id.</summary>
    public static readonly ConcurrentDictionary<string, long> Cards = new(StringComparer.Ordinal);

    /// <summary>When each message's chat.unfurl reached the fake Slack (a Stopwatch timestamp), by message ts.</summary>
    public static readonly ConcurrentDictionary<string, long> Unfurls = new(StringComparer.Ordinal);

    /// <summary>Requests the fake Aircall received, by method and resource.</summary>
    public static readonly ConcurrentDictionary<string, int> AircallRequests = new(StringComparer.Ordinal);

    /// <summary>
    /// The baseline as <c>dotnet new web</c> would host it: the default builder (configuration, console logging,
    /// host filtering), the same host defaults as the bot, and nothing else.
    /// </summary>
    public static async Task RunDefaultBaselineAsync(string[] args)
    {
        var app = WebApplication.CreateBuilder(args).Build();
        app.MapPost("/slack/commands", async (HttpContext context) =>
        {
            await context.Request.ReadFormAsync(context.RequestAborted);
            return Results.Ok();
        });
        await app.RunAsync();
    }

    public static async Task RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var rsa = RSA.Create(2048);
        var key = new RsaSecurityKey(rsa) { KeyId = "load-key" };
        var publicKey = rsa.ExportParameters(false);
        var self = app.Urls;

        // Baseline: what any ASP.NET Core endpoint costs for a slash command it only reads.
        app.MapPost("/slack/commands", async (HttpContext context) =>
        {
            await context.Request.ReadFormAsync(context.RequestAborted);
            return Results.Ok();
        });

        // A fake Aircall (Aircall__BaseUrl=http://…/aircall/v1/): numbers whose recording is off, Insight Cards recorded.
        app.MapGet("/aircall/v1/numbers/{id}", (long id) =>
        {
            AircallRequests.AddOrUpdate("GET numbers", 1, (_, n) => n + 1);
            return Results.Json(new JsonObject { ["number"] = new JsonObject { ["id"] = id, ["name"] = $"Support {id}", ["live_recording_activated"] = false } });
        });
        app.MapPost("/aircall/v1/calls/{id}/insight_cards", (string id) =>
        {
            Cards[id] = System.Diagnostics.Stopwatch.GetTimestamp();
            AircallRequests.AddOrUpdate("POST insight_cards", 1, (_, n) => n + 1);
            return Results.Json(new JsonObject(), statusCode: StatusCodes.Status201Created);
        });
        // Aircall's finished calls (answered 2 min, no recording, on number 1000) and Slack's chat.unfurl, recorded by message ts.
        app.MapGet("/aircall/v1/calls/{id}", (long id) =>
        {
            AircallRequests.AddOrUpdate("GET calls", 1, (_, n) => n + 1);
            var ended = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 600;
            return Results.Json(new JsonObject
            {
                ["call"] = new JsonObject
                {
                    ["id"] = id,
                    ["status"] = "done",
                    ["direction"] = "inbound",
                    ["started_at"] = ended - 130,
                    ["answered_at"] = ended - 120,
                    ["ended_at"] = ended,
                    ["recording"] = null,
                    ["number"] = new JsonObject { ["id"] = 1000, ["name"] = "Support" },
                    ["user"] = new JsonObject { ["id"] = 1, ["name"] = "Ana" },
                },
            });
        });
        app.MapPost("/api/chat.unfurl", async (HttpContext context) =>
        {
            var body = await JsonNode.ParseAsync(context.Request.Body);
            Unfurls[(string?)body?["ts"] ?? ""] = System.Diagnostics.Stopwatch.GetTimestamp();
            return Results.Json(new JsonObject { ["ok"] = true });
        });
        app.MapGet("/unfurls/{ts}", (string ts) => Unfurls.TryGetValue(ts, out var at) ? Results.Text(at.ToString(System.Globalization.CultureInfo.InvariantCulture)) : Results.NotFound());
        app.MapGet("/cards/{id}", (string id) => Cards.TryGetValue(id, out var at) ? Results.Text(at.ToString(System.Globalization.CultureInfo.InvariantCulture)) : Results.NotFound());
        app.MapGet("/aircall-requests", () => Results.Json(new JsonObject([.. AircallRequests.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)r.Value))])));

        app.MapGet("/openid", (HttpContext context) => Results.Json(new JsonObject
        {
            ["issuer"] = "https://api.botframework.com",
            ["jwks_uri"] = $"{context.Request.Scheme}://{context.Request.Host}/keys",
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
        }));
        app.MapGet("/keys", () => Results.Json(new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["kid"] = "load-key",
                ["n"] = Base64UrlEncoder.Encode(publicKey.Modulus),
                ["e"] = Base64UrlEncoder.Encode(publicKey.Exponent),
                ["endorsements"] = new JsonArray("msteams"),
            }),
        }));
        app.MapGet("/token", (string serviceUrl) => Results.Text(new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://api.botframework.com",
            Audience = AppId,
            Expires = DateTime.UtcNow.AddHours(1),
            Subject = new ClaimsIdentity([new Claim("serviceurl", serviceUrl)]),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        })));

        // Fake Connector: the time each conversation's first reply arrives.
        app.MapPost("/v3/conversations/{conversationId}/activities/{*rest}", (string conversationId) =>
        {
            Replies.TryAdd(conversationId, System.Diagnostics.Stopwatch.GetTimestamp());
            return Results.Json(new JsonObject { ["id"] = "1" });
        });
        app.MapPost("/v3/conversations/{conversationId}/activities", () => Results.Json(new JsonObject { ["id"] = "1" }));
        app.MapGet("/replies/{conversationId}", (string conversationId) =>
            Replies.TryGetValue(conversationId, out var at) ? Results.Text(at.ToString(System.Globalization.CultureInfo.InvariantCulture)) : Results.NotFound());

        // Slack's side of Socket Mode: the bot's connections, and when each envelope was sent.
        var sockets = new ConcurrentQueue<(System.Net.WebSockets.WebSocket Socket, SemaphoreSlim Sending)>();
        var sent = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var acked = new ConcurrentBag<double>();
        app.UseWebSockets();
        app.MapPost("/api/apps.connections.open", (HttpContext context) =>
            Results.Json(new JsonObject { ["ok"] = true, ["url"] = $"ws://{context.Request.Host}/link/?ticket={Guid.NewGuid():N}" }));
        app.Map("/link", async (HttpContext context) =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var sending = new SemaphoreSlim(1, 1);
            await SendAsync(socket, sending, """{"type":"hello","num_connections":1,"debug_info":{"host":"load-test"},"connection_info":{"app_id":"A0LOAD"}}""");
            sockets.Enqueue((socket, sending));
            var buffer = new byte[4096];
            while (socket.State == System.Net.WebSockets.WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
                {
                    break;
                }

                if (JsonNode.Parse(buffer.AsSpan(0, result.Count))?["envelope_id"]?.GetValue<string>() is { } id && sent.TryRemove(id, out var at))
                {
                    acked.Add(System.Diagnostics.Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                }
            }
        });
        app.MapPost("/socket-load", async (int seconds, int rate) =>
        {
            var live = sockets.Where(s => s.Socket.State == System.Net.WebSockets.WebSocketState.Open).ToArray();
            acked.Clear();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var count = 0;
            while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
            {
                // Open-model pacing: envelope n is due at n / rate seconds.
                var due = TimeSpan.FromSeconds((double)count / rate);
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed);
                }

                var id = Guid.NewGuid().ToString();
                var (socket, sending) = live[count % live.Length];
                var envelope = new JsonObject
                {
                    ["envelope_id"] = id,
                    ["type"] = "slash_commands",
                    ["accepts_response_payload"] = true,
                    ["payload"] = new JsonObject
                    {
                        ["team_id"] = "T111",
                        ["channel_id"] = "C111",
                        ["user_id"] = $"U{count:D6}",
                        ["command"] = "/norecording",
                        ["text"] = "help",
                        // Never called (outside the allowed response_url prefixes): the figure is the ack's.
                        ["response_url"] = $"https://load-test.invalid/commands/{count}",
                    },
                };
                sent[id] = System.Diagnostics.Stopwatch.GetTimestamp();
                _ = SendAsync(socket, sending, envelope.ToJsonString());
                count++;
            }

            await Task.Delay(3000); // Slack's ack deadline
            var latencies = acked.Order().ToList();
            double P(double q) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
            return Results.Text(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Socket Mode envelopes: {count} sent over {live.Length} connection(s) at {rate}/s, {latencies.Count} acknowledged within 3 s\n" +
                $"ack latency ms: p50 {P(0.50):0.00}  p90 {P(0.90):0.00}  p99 {P(0.99):0.00}  max {P(1.0):0.00}\n"));
        });

        await app.RunAsync();
    }

    private static async Task SendAsync(System.Net.WebSockets.WebSocket socket, SemaphoreSlim sending, string json)
    {
        await sending.WaitAsync();
        try
        {
            await socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(json), System.Net.WebSockets.WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            sending.Release();
        }
    }
}
