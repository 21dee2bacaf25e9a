using ChatTroubleshooter.Http;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ChatTroubleshooter.Teams;

/// <summary>
/// The Bot Connector's authentication, as the endpoint's filter: before anything of the body is read (a forged request
/// costs a header check, not a parse), the bearer token is validated (issuer, audience, lifetime, signature from the
/// published keys), or, in anonymous development mode, the client must be on this machine. Teams off: every request is
/// refused. The validated token waits in the request for the activity's own checks (<see cref="TokenOf"/>).
/// </summary>
internal sealed class TeamsAuthentication(TeamsAuthenticator auth, IOptions<TeamsOptions> options, RefusedRequestLog refused) : IEndpointFilter
{
    /// <summary>How refused requests are named in the log.</summary>
    public const string Source = "Bot Connector /api/messages";

    private static readonly object TokenKey = new();

    /// <summary>The request's validated token; null in anonymous mode.</summary>
    public static JsonWebToken? TokenOf(HttpContext http) => http.Items[TokenKey] as JsonWebToken;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (options.Value.IsOff)
        {
            refused.Refused(Source, "Teams is off (Teams__AppId is not set)");
            return Results.Unauthorized();
        }

        if (options.Value.IsAnonymous)
        {
            if (http.Connection.RemoteIpAddress is not { } remote || !System.Net.IPAddress.IsLoopback(remote))
            {
                refused.Refused(Source, "anonymous mode accepts loopback clients only");
                return Results.Unauthorized();
            }

            return await next(context);
        }

        var (token, failure) = await auth.ValidateTokenAsync(http.Request.Headers.Authorization.ToString(), http.RequestAborted);
        if (failure is not null)
        {
            refused.Refused(Source, failure);
            return Results.Unauthorized();
        }

        http.Items[TokenKey] = token;
        return await next(context);
    }
}
