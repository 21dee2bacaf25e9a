using System.Net;
using ChatTroubleshooter.Outbox;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

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
        builder.Services.AddSingleton<SlackRequestReader>();
        builder.Services.AddSingleton<SlackIdentityCache>();
        builder.Services.AddSingleton<IWorkHandler, SlackWorkHandler>();

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

    /// <summary>Logs once at start-up whether Slack is on, so a missing secret is obvious (Slack traffic is refused).</summary>
    public static WebApplication LogSlackStatus(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<SlackOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SlackExtensions));
        if (!options.IsEnabled)
        {
            logger.LogWarning("Slack is off: Slack__SigningSecret is not set, so every Slack request is refused (401).");
        }
        else if (string.IsNullOrWhiteSpace(options.BotToken))
        {
            logger.LogWarning("Slack__BotToken is not set: replies to mentions and DMs cannot be posted.");
        }

        return app;
    }
}
