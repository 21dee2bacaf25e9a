using ChatTroubleshooter.Links;
using System.Net;
using ChatTroubleshooter.Outbox;
using ChatTroubleshooter.Places;
using Polly;
using ChatTroubleshooter.Http;

namespace ChatTroubleshooter.Teams;

public static class TeamsExtensions
{
    /// <summary>Registers the Teams adapter: JWT validation, the Connector client and its token, the worker.</summary>
    public static IHostApplicationBuilder AddTeams(this IHostApplicationBuilder builder)
    {
        builder.AddLinks();
        builder.Services.AddOptions<TeamsOptions>()
            .BindConfiguration(TeamsOptions.Section)
            .ValidateDataAnnotations()
            .Validate<IHostEnvironment>((o, environment) => !o.AllowAnonymous || environment.IsDevelopment(),
                "Teams:AllowAnonymous accepts unauthenticated requests: it is allowed only in the Development environment. " +
                "Set Teams:AppId and Teams:AppPassword instead.")
            .ValidateOnStart();
        builder.Services.AddHttpClient(nameof(TeamsAuthenticator));
        builder.Services.AddSingleton<TeamsAuthenticator>();
        builder.Services.AddSingleton<TeamsAuthentication>();
        builder.Services.AddSingleton<TeamsInboundReader>();
        builder.Services.AddSingleton<TeamsInvokes>();
        builder.Services.AddSingleton<TeamsWorkHandler>();
        builder.Services.AddSingleton<IWorkHandler>(sp => sp.GetRequiredService<TeamsWorkHandler>());
        builder.Services.AddTeamsStoredTypes();
        builder.Services.AddPlaces().AddSingleton<IPlaceChannel, TeamsPlaceChannel>();
        // One token cache for the process, over a named client (so tests can fake the token endpoint).
        builder.Services.AddHttpClient(nameof(ConnectorTokenProvider));
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ConnectorTokenProvider>(sp,
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(ConnectorTokenProvider))));
        builder.Services.AddHttpClient<ConnectorClient>(client => client.Timeout = TimeSpan.FromSeconds(30))
            // Teams "Optimize your bot: rate limiting": retry 429, 412, 502 and 504 with backoff.
            .AddResilienceHandler("teams-connector", pipeline => pipeline.AddRetry(HttpRetries.HonouringRetryAfter(
                status => status is HttpStatusCode.TooManyRequests or HttpStatusCode.PreconditionFailed
                    or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout,
                TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(20))));
        return builder;
    }
}
