using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatTroubleshooter.Tests.Fakes;

/// <summary>
/// A stand-in for the Bot Framework: OpenID metadata and a JWKS with a test RSA key (endorsed for "msteams"),
/// a token endpoint, and a Connector recording what the bot posts. Tokens are really signed with the test key.
/// </summary>
internal sealed class BotFrameworkFake
{
    public const string AppId = "7c1c2e4a-0b5e-4d8e-9a43-2f5b7e6d9a10";
    public const string MetadataUrl = "https://login.test/v1/.well-known/openidconfiguration";
    public const string ServiceUrl = "https://smba.test/amer/";
    public const string KeyId = "test-key-1";

    private readonly RSA _rsa = RSA.Create(2048);
    private int _activityIds;
    private int _channelPosts;

    public BotFrameworkFake(RecordingHandler handler, string[]? endorsements = null)
    {
        var parameters = _rsa.ExportParameters(false);
        var jwks = new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["kid"] = KeyId,
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                ["endorsements"] = new JsonArray((endorsements ?? ["msteams", "skype"]).Select(e => (JsonNode)JsonValue.Create(e)).ToArray()),
            }),
        };
        handler
            .On("/v1/.well-known/openidconfiguration", _ => RecordingHandler.Json(new JsonObject
            {
                ["issuer"] = "https://api.botframework.com",
                ["authorization_endpoint"] = "https://invalid.botframework.com",
                ["jwks_uri"] = "https://login.test/v1/.well-known/keys",
                ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
                ["token_endpoint_auth_methods_supported"] = new JsonArray("private_key_jwt"),
            }.ToJsonString()))
            .On("/v1/.well-known/keys", _ => RecordingHandler.Json(jwks.ToJsonString()))
            .On("/token", _ => RecordingHandler.Json("""{"token_type":"Bearer","expires_in":3600,"access_token":"connector-token"}"""))
            .On("/amer/v3/conversations/", _ => RecordingHandler.Json($$"""{"id":"bot-msg-{{Interlocked.Increment(ref _activityIds)}}"}"""))
            // POST /v3/conversations: a new post in a channel; the answer names its thread and its activity.
            .On(r => r.Method == HttpMethod.Post && r.RequestUri!.AbsolutePath == "/amer/v3/conversations", (r, _) =>
            {
                var channel = (string?)JsonNode.Parse(handler.Body(r))?["channelData"]?["channel"]?["id"];
                var id = $"channel-post-{Interlocked.Increment(ref _channelPosts)}";
                return Task.FromResult(RecordingHandler.Json(new JsonObject { ["id"] = $"{channel};messageid={id}", ["activityId"] = id }.ToJsonString()));
            });
    }

    public static Dictionary<string, string?> Settings => new()
    {
        ["Teams:AppId"] = AppId,
        ["Teams:AppPassword"] = "test-password",
        ["Teams:OpenIdMetadataUrl"] = MetadataUrl,
        ["Teams:TokenEndpoint"] = "https://login.test/token",
    };

    public string Token(
        string issuer = "https://api.botframework.com",
        string audience = AppId,
        string serviceUrl = ServiceUrl,
        DateTime? expires = null,
        RSA? signWith = null,
        string algorithm = SecurityAlgorithms.RsaSha256,
        IDictionary<string, object>? header = null)
    {
        var exp = expires ?? DateTime.UtcNow.AddMinutes(30);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            NotBefore = exp.AddHours(-1),
            IssuedAt = exp.AddHours(-1),
            Expires = exp,
            Subject = new ClaimsIdentity([new Claim("serviceurl", serviceUrl), new Claim("appid", "d6d49420-f39b-4df7-a1dc-d59a935871db")]),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(signWith ?? _rsa) { KeyId = KeyId }, algorithm),
            AdditionalHeaderClaims = header,
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    /// <summary>Posts <paramref name="activity"/> to the bot as the Bot Connector would, with <paramref name="token"/> (default: a valid one).</summary>
    public Task<HttpResponseMessage> PostAsync(HttpClient client, JsonObject activity, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, ChatTroubleshooter.Teams.TeamsEndpoints.Route)
        {
            Content = new StringContent(activity.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token ?? Token());
        return client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>An unsigned token ("alg": "none") with otherwise valid claims.</summary>
    public static string UnsignedToken()
    {
        static string Part(JsonObject o) => Base64UrlEncoder.Encode(o.ToJsonString());
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return Part(new JsonObject { ["alg"] = "none", ["typ"] = "JWT", ["kid"] = KeyId }) + "." + Part(new JsonObject
        {
            ["iss"] = "https://api.botframework.com",
            ["aud"] = AppId,
            ["exp"] = now + 600,
            ["nbf"] = now - 60,
            ["serviceurl"] = ServiceUrl,
        }) + ".";
    }

    /// <summary>A fixture activity pointed at the fake Connector.</summary>
    public static JsonObject Activity(string fixture, Action<JsonObject>? change = null)
    {
        var activity = JsonNode.Parse(TestData.Read($"teams/{fixture}"))!.AsObject();
        activity["serviceUrl"] = ServiceUrl;
        change?.Invoke(activity);
        return activity;
    }
}
