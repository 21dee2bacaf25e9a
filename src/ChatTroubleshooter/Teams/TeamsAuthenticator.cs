using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ChatTroubleshooter.Teams;

/// <summary>
/// Validates the Bot Connector's bearer JWT ("Authentication with the Bot Connector API", step 4): signature with
/// a key from the OpenID metadata, issuer https://api.botframework.com (plus the tenant's issuers when a tenant is
/// configured), audience = our App ID, lifetime with 5 minutes of skew, RS256 only, the <c>serviceurl</c> claim
/// equal to the activity's serviceUrl, and the signing key endorsed for the activity's channel.
/// </summary>
internal sealed class TeamsAuthenticator
{
    public const string BotFrameworkIssuer = "https://api.botframework.com";

    private readonly TeamsOptions _options;
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _metadata;
    private readonly JsonWebTokenHandler _handler = new();
    private readonly TimeProvider _time;

    public TeamsAuthenticator(IOptions<TeamsOptions> options, IHttpClientFactory http, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        var retriever = new HttpDocumentRetriever(http.CreateClient(nameof(TeamsAuthenticator)))
        {
            // Plain HTTP only for a metadata document on loopback (tests, local emulators).
            RequireHttps = !_options.OpenIdMetadataUrl.IsLoopback,
        };
        _metadata = new ConfigurationManager<OpenIdConnectConfiguration>(
            _options.OpenIdMetadataUrl.AbsoluteUri, new OpenIdConnectConfigurationRetriever(), retriever)
        {
            AutomaticRefreshInterval = TimeSpan.FromDays(1),
        };
    }

    /// <summary>
    /// Step one, from the Authorization header alone (nothing of the body is read before it passes): signature,
    /// issuer, audience, lifetime, algorithm, and no <c>crit</c> header (RFC 7515 §4.1.11: a token naming an
    /// extension we do not implement must be rejected; we implement none).
    /// </summary>
    public async Task<(JsonWebToken? Token, string? Failure)> ValidateTokenAsync(string? authorization, CancellationToken ct)
    {
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return (null, "missing bearer token");
        }

        var token = authorization["Bearer ".Length..].Trim();
        var result = await ValidateAsync(token, ct);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // An unknown kid: the keys may have rotated; refresh once.
            _metadata.RequestRefresh();
            result = await ValidateAsync(token, ct);
        }

        if (!result.IsValid)
        {
            return (null, result.Exception?.GetType().Name ?? "invalid token");
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        return jwt.TryGetHeaderValue<object>("crit", out _) ? (null, "crit header names an extension this bot does not implement") : (jwt, null);
    }

    /// <summary>
    /// Step two, once the activity is read: the <c>serviceurl</c> claim equals the activity's serviceUrl, and the
    /// signing key is endorsed for the activity's channel.
    /// </summary>
    public async Task<string?> CheckActivityAsync(JsonWebToken jwt, string? serviceUrl, string? channelId, CancellationToken ct)
    {
        if (!jwt.TryGetPayloadValue<string>("serviceurl", out var claimed)
            || !string.Equals(claimed.TrimEnd('/'), serviceUrl?.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
        {
            return "serviceurl claim does not match the activity";
        }

        var config = await _metadata.GetConfigurationAsync(ct);
        var key = config.JsonWebKeySet?.Keys.FirstOrDefault(k => k.Kid == jwt.Kid);
        if (channelId is null || key is null || !Endorsements(key).Contains(channelId, StringComparer.OrdinalIgnoreCase))
        {
            return "signing key not endorsed for the channel";
        }

        return null;
    }

    private async Task<TokenValidationResult> ValidateAsync(string token, CancellationToken ct)
    {
        OpenIdConnectConfiguration config;
        try
        {
            config = await _metadata.GetConfigurationAsync(ct);
        }
        catch (InvalidOperationException e)
        {
            return new TokenValidationResult { IsValid = false, Exception = e };
        }

        var issuers = new List<string> { BotFrameworkIssuer };
        if (!string.IsNullOrWhiteSpace(_options.TenantId))
        {
            issuers.Add($"https://sts.windows.net/{_options.TenantId}/");
            issuers.Add($"https://login.microsoftonline.com/{_options.TenantId}/v2.0");
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuers = issuers,
            ValidAudience = _options.AppId,
            IssuerSigningKeys = config.SigningKeys,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ClockSkew = TimeSpan.FromMinutes(5),
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            LifetimeValidator = (notBefore, expires, _, p) =>
            {
                var now = _time.GetUtcNow().UtcDateTime;
                return expires is { } exp && now <= exp + p.ClockSkew && (notBefore is not { } nbf || now >= nbf - p.ClockSkew);
            },
        };
        return await _handler.ValidateTokenAsync(token, parameters);
    }

    private static IEnumerable<string> Endorsements(JsonWebKey key)
    {
        if (!key.AdditionalData.TryGetValue("endorsements", out var value))
        {
            return [];
        }

        return value switch
        {
            JsonElement { ValueKind: JsonValueKind.Array } array => array.EnumerateArray().Select(e => e.GetString() ?? ""),
            IEnumerable<object> list => list.Select(o => o?.ToString() ?? ""),
            _ => [],
        };
    }
}
