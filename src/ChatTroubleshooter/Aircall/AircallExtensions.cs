using ChatTroubleshooter.Caching;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ChatTroubleshooter.Aircall.Demo;
using ChatTroubleshooter.Conversations;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace ChatTroubleshooter.Aircall;

public static class AircallExtensions
{
    public const string DemoCredentials = "demo";

    /// <summary>
    /// Registers the Aircall client and call-facts provider. With <c>Aircall:Demo</c> the built-in demo calls are
    /// served by an in-memory handler behind the same client; without credentials and demo, call lookup is off.
    /// </summary>
    public static IHostApplicationBuilder AddAircall(this IHostApplicationBuilder builder)
    {
        builder.Services.AddMemoryCacheOnTimeProvider();
        builder.Services.AddOptions<AircallOptions>()
            .BindConfiguration(AircallOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton<AircallCache>();
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AircallOptions>>().Value;
            return new AircallScheduler(options.RequestsPerMinute, options.MaxLookupsPerUser, sp.GetRequiredService<TimeProvider>());
        });
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AircallScheduler>());
        builder.Services.AddTransient<AircallSchedulingHandler>();
        builder.Services.AddSingleton<DemoAircallHandler>();

        var http = builder.Services.AddHttpClient<AircallClient>((sp, client) =>
            {
                var options = sp.GetRequiredService<IOptions<AircallOptions>>().Value;
                client.BaseAddress = options.BaseUrl;
                var credentials = options.UsesDemo
                    ? $"{DemoCredentials}:{DemoCredentials}"
                    : $"{options.ApiId}:{options.ApiToken}";
                client.DefaultRequestHeaders.Authorization =
                    new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
                client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("ChatTroubleshooter", "1.0"));
            })
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<IOptions<AircallOptions>>().Value.UsesDemo
                ? sp.GetRequiredService<DemoAircallHandler>()
                : new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });

        // Outer to inner: total timeout, retries, circuit breaker, then the wait for this requester's turn (never a
        // timeout or a failure by itself), then the attempt's own timeout.
        http.AddResilienceHandler("aircall", (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<AircallOptions>>().Value;
            var time = context.ServiceProvider.GetRequiredService<TimeProvider>();
            pipeline.AddTimeout(options.TotalTimeout);
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, options.MaxRetries),
                ShouldHandle = args => ValueTask.FromResult(options.MaxRetries > 0 && IsTransient(args.Outcome, args.Context.GetRequestMessage()?.Method)),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.MaxRetryDelay,
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } response
                        ? AircallRetryDelay.For429(response, time.GetUtcNow(), options.MaxRetryDelay)
                        : null),
            });
            pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 5,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(30),
            });
        });
        http.AddHttpMessageHandler<AircallSchedulingHandler>();
        http.AddResilienceHandler("aircall-attempt", (pipeline, context) =>
            pipeline.AddTimeout(context.ServiceProvider.GetRequiredService<IOptions<AircallOptions>>().Value.AttemptTimeout));

        builder.Services.AddSingleton<AircallFactMapper>();
        builder.Services.AddSingleton<AircallNumberFacts>();
        builder.Services.AddSingleton<ICallFactsProvider>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AircallOptions>>().Value;
            return options.HasCredentials || options.UsesDemo
                ? ActivatorUtilities.CreateInstance<AircallCallFactsProvider>(sp)
                : new NoCallFactsProvider();
        });
        return builder;
    }

    /// <summary>Where call data comes from, for the start-up banner.</summary>
    public static string Source(AircallOptions options) =>
        options.HasCredentials ? $"Aircall API at {options.BaseUrl}" + (options.Demo ? " (Aircall__Demo is ignored: real credentials are set)" : "")
        : options.UsesDemo ? "demo calls 1000001–1000010 (no Aircall credentials set)"
        : "off: set Aircall__ApiId and Aircall__ApiToken (the bot asks questions instead)";

    /// <summary>
    /// Worth another attempt: a 429 always (Aircall did nothing), any failure of a read. A write (a comment, a card) that
    /// timed out or met a server error may have been done: it is not repeated here, its caller decides (the outbox looks
    /// for it first).
    /// </summary>
    private static bool IsTransient(Outcome<HttpResponseMessage> outcome, HttpMethod? method) =>
        outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests }
        || (method is null || method == HttpMethod.Get)
            && (outcome.Exception is HttpRequestException or Polly.Timeout.TimeoutRejectedException
                || outcome.Result is { StatusCode: HttpStatusCode.RequestTimeout or >= HttpStatusCode.InternalServerError });
}
