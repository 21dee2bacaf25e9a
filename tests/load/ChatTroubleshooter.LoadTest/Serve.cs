using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

/// <summary>
/// The load test's own web server (loopback only): the baseline endpoint (reads the form, returns 200), a Bot
/// Framework stand-in (OpenID metadata, JWKS with an "msteams"-endorsed test key, signed tokens) and a fake
/// Connector that records when each reply arrives (for the ack-to-answer latency).
/// </summary>
internal static class Serve
{
    public const string AppId = "7c1c2e4a-0b5e-4d8e-9a43-2f5b7e6d9a10";

    public static readonly ConcurrentDictionary<string, long> Replies = new(StringComparer.Ordinal);

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

        await app.RunAsync();
    }
}
