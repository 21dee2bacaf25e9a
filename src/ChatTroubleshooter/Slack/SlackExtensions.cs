using ChatTroubleshooter.Links;
using System.Net;
using ChatTroubleshooter.Outbox;
using ChatTroubleshooter.Places;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using ChatTroubleshooter.Http;

namespace ChatTroubleshooter.Slack;

public static class SlackExtensions
{
    /// <summary>Registers the Slack adapter: request verification, Web API and response_url clients, the worker.</summary>
    public static IHostApplicationBuilder AddSlack(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SlackOptions>()
            .BindConfiguration(SlackOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<SlackAuthentication>();
        builder.Services.AddSingleton<SlackInboundReader>();
        builder.Services.AddSingleton<SlackIdentityCache>();
        builder.Services.AddSingleton<IWorkHandler, SlackWorkHandler>();
        builder.AddLinks();
        builder.Services.AddSlackStoredTypes();
        builder.Services.AddPlaces().AddSingleton<IPlaceChannel, SlackPlaceChannel>();

        // Socket Mode (Slack__AppToken): off unless the token is set; its readiness is part of /readyz.
        builder.Services.AddSingleton<SocketMode.SocketModeStatus>();
        builder.Services.AddHostedService<SocketMode.SocketModeService>();
        builder.Services.AddHealthChecks().AddCheck<SocketMode.SocketModeHealthCheck>("slack-socket-mode");
        builder.Services.AddHttpClient<SocketMode.SlackConnectionsClient>((sp, client) =>
        {
            client.BaseAddress = sp.GetRequiredService<IOptions<SlackOptions>>().Value.ApiBaseUrl;
            client.Timeout = TimeSpan.FromSeconds(10);
        });

        builder.Services.AddHttpClient<SlackApiClient>((sp, client) =>
            {
                client.BaseAddress = sp.GetRequiredService<IOptions<SlackOptions>>().Value.ApiBaseUrl;
                client.Timeout = TimeSpan.FromSeconds(30);
            })
            // Slack: HTTP 429 with Retry-After (seconds) when a method's rate limit is hit; nothing was posted, so a
            // retry cannot post twice. A 5xx may have posted: it is not retried here.
            .AddResilienceHandler("slack-api", pipeline => pipeline.AddRetry(HttpRetries.HonouringRetryAfter(
                status => status is HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30))));
        builder.Services.AddHttpClient<SlackResponseClient>(client => client.Timeout = TimeSpan.FromSeconds(30))
            .AddStandardResilienceHandler(o => o.Retry.DisableForUnsafeHttpMethods());
        return builder;
    }
}
