using System.ComponentModel.DataAnnotations;
using ChatTroubleshooter.Http;

namespace ChatTroubleshooter.Teams;

/// <summary>Teams / Bot Framework settings (environment form: <c>Teams__AppId</c>, <c>Teams__AppPassword</c>…).</summary>
public sealed class TeamsOptions : IValidatableObject
{
    public const string Section = "Teams";

    /// <summary>The bot's Microsoft App ID. Empty: Teams is off (every request 401) unless <see cref="AllowAnonymous"/>.</summary>
    public string? AppId { get; set; }

    /// <summary>
    /// Without an App ID, accept unauthenticated requests from loopback clients (Agents Playground, an emulator).
    /// Refused at start outside the Development environment; ignored when an App ID is set.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    public string? AppPassword { get; set; }

    /// <summary>For a single-tenant bot; also accepts that tenant's token issuers.</summary>
    public string? TenantId { get; set; }

    public Uri OpenIdMetadataUrl { get; set; } = new("https://login.botframework.com/v1/.well-known/openidconfiguration");

    /// <summary>Defaults to https://login.microsoftonline.com/{TenantId or botframework.com}/oauth2/v2.0/token.</summary>
    public Uri? TokenEndpoint { get; set; }

    [Range(1024, 10 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 256 * 1024;

    /// <summary>Teams rejects messages over about 100 KB; stay under this.</summary>
    [Range(1024, 100 * 1024)]
    public int MaxMessageBytes { get; set; } = 80 * 1024;

    /// <summary>No App ID, and anonymous loopback requests explicitly allowed (local development).</summary>
    public bool IsAnonymous => !HasAppId && AllowAnonymous;

    /// <summary>No App ID and no anonymous mode: every request to <c>/api/messages</c> is refused.</summary>
    public bool IsOff => !HasAppId && !AllowAnonymous;

    public bool HasAppId => !string.IsNullOrWhiteSpace(AppId);

    public Uri EffectiveTokenEndpoint => TokenEndpoint
        ?? new Uri($"https://login.microsoftonline.com/{(string.IsNullOrWhiteSpace(TenantId) ? "botframework.com" : TenantId)}/oauth2/v2.0/token");

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, uri) in new[] { (nameof(OpenIdMetadataUrl), OpenIdMetadataUrl), (nameof(TokenEndpoint), EffectiveTokenEndpoint) })
        {
            if (!UrlRules.IsHttpsOrLoopbackHttp(uri))
            {
                yield return new ValidationResult($"Teams:{name} must be https (http only on loopback).", [name]);
            }
        }

        if (HasAppId && string.IsNullOrWhiteSpace(AppPassword))
        {
            yield return new ValidationResult("Teams:AppPassword is required when Teams:AppId is set.", [nameof(AppPassword)]);
        }
    }

    public override string ToString() => $"Teams {{ AppId = {(HasAppId ? AppId : "none")}, AllowAnonymous = {AllowAnonymous}, AppPassword = {(string.IsNullOrEmpty(AppPassword) ? "none" : "set")} }}";
}
