using System.Diagnostics;
using System.Diagnostics.Metrics;
using ChatTroubleshooter.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ChatTroubleshooter.Observability;

public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>Where Prometheus scrapes the OpenTelemetry metrics; empty turns the endpoint off.</summary>
    public string PrometheusPath { get; set; } = "/metrics";
}

/// <summary>Every instrument of the bot, on one meter ("ChatTroubleshooter"), exported by <see cref="ObservabilityExtensions"/>.</summary>
internal static class BotMetrics
{
    public const string MeterName = "ChatTroubleshooter";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Histogram<double> AckDuration = Meter.CreateHistogram<double>(
        "chattroubleshooter.ack.duration", unit: "ms", description: "Time to acknowledge a Slack or Teams request.");

    public static readonly Counter<long> Diagnoses = Meter.CreateCounter<long>(
        "chattroubleshooter.diagnoses", description: "Diagnoses given, by cause (or kind when no cause is confirmed).");

    public static readonly Counter<long> Questions = Meter.CreateCounter<long>(
        "chattroubleshooter.questions", description: "Questions asked, by fact.");

    public static readonly Counter<long> AircallCalls = Meter.CreateCounter<long>(
        "chattroubleshooter.aircall.calls", description: "Aircall API requests, by resource.");

    public static readonly Counter<long> AircallErrors = Meter.CreateCounter<long>(
        "chattroubleshooter.aircall.errors", description: "Aircall API failures, by kind.");

    public static readonly Counter<long> AircallWrites = Meter.CreateCounter<long>(
        "chattroubleshooter.aircall.writes", description: "Aircall API writes (insight cards, tags, comments), by resource and outcome.");

    public static readonly Counter<long> InCallWarnings = Meter.CreateCounter<long>(
        "chattroubleshooter.aircall.in_call_warnings", description: "Insight Cards posted to warn an agent that the live call is not recorded.");

    public static readonly Counter<long> WriteBacks = Meter.CreateCounter<long>(
        "chattroubleshooter.aircall.write_backs", description: "Diagnoses written onto calls in Aircall, by what (tag, comment) and outcome.");

    public static readonly Counter<long> WorkFailures = Meter.CreateCounter<long>("chattroubleshooter.work.failures");

    public static readonly Counter<long> DeadLetters = Meter.CreateCounter<long>("chattroubleshooter.work.dead_letters");

    /// <summary>New messages whose send failed after they may have arrived (no answer, a 5xx): their retry may show them twice.</summary>
    public static readonly Counter<long> PossibleDuplicates = Meter.CreateCounter<long>("chattroubleshooter.delivery.possible_duplicates");

    public static readonly Histogram<int> CommitBatch = Meter.CreateHistogram<int>(
        "chattroubleshooter.outbox.commit_batch", description: "Writes per group commit of the SQLite store (accepted work, outbox progress, state).");
}

public static class ObservabilityExtensions
{
    /// <summary>OpenTelemetry metrics exported for Prometheus, and the liveness/readiness endpoints.</summary>
    public static IHostApplicationBuilder AddObservability(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section);
        // Every outgoing request is logged with its URL redacted (a Slack response_url is a capability).
        builder.Services.AddSingleton<RedactedHttpLogger>();
        builder.Services.ConfigureHttpClientDefaults(http => http.RemoveAllLoggers().AddLogger<RedactedHttpLogger>());
        // Readiness: the rules and texts loaded and valid (the card templates and the store add their own checks).
        builder.Services.AddHealthChecks().AddLoadedCheck<Knowledge>("knowledge");
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("chattroubleshooter", serviceVersion: BotVersion.Current))
            .WithMetrics(metrics => metrics
            .AddMeter(BotMetrics.MeterName)
            // The platform's own meters: request durations and active requests (ASP.NET Core, Kestrel), outgoing
            // HTTP (Slack, Teams, Aircall), and the runtime (GC, thread pool, CPU).
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "System.Runtime")
            // Acks are expected in milliseconds (Slack allows 3 s): buckets that can tell 1 ms from 10 ms.
            .AddView("chattroubleshooter.ack.duration", new ExplicitBucketHistogramConfiguration
            {
                Boundaries = [0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 3000],
            })
            .AddPrometheusExporter());
        return builder;
    }

    public static WebApplication MapObservability(this WebApplication app)
    {
        // Ack latency of every channel request, as Slack and Teams experience it.
        app.Use(async (context, next) =>
        {
            var channel = context.Request.Path.StartsWithSegments("/slack") ? "slack"
                : context.Request.Path.StartsWithSegments("/api/messages") ? "teams" : null;
            if (channel is null)
            {
                await next(context);
                return;
            }

            var start = Stopwatch.GetTimestamp();
            await next(context);
            BotMetrics.AckDuration.Record(Stopwatch.GetElapsedTime(start).TotalMilliseconds,
                new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("status", context.Response.StatusCode));
        });

        var path = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.PrometheusPath;
        if (!string.IsNullOrWhiteSpace(path))
        {
            app.MapPrometheusScrapingEndpoint(path);
        }

        // Liveness: the process answers (no check runs). Readiness: every check, as JSON with each one's status.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = (http, _) => http.Response.WriteAsync("ok") });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { ResponseWriter = WriteReport });
        return app;
    }

    /// <summary><c>{"status":"Healthy","checks":{"state":{"status":"Healthy","description":"…"},…}}</c>; 503 unless healthy.</summary>
    private static Task WriteReport(HttpContext http, HealthReport report)
    {
        var checks = new System.Text.Json.Nodes.JsonObject();
        foreach (var (name, entry) in report.Entries)
        {
            checks[name] = new System.Text.Json.Nodes.JsonObject
            {
                ["status"] = entry.Status.ToString(),
                ["description"] = entry.Description ?? entry.Exception?.Message,
                ["ms"] = Math.Round(entry.Duration.TotalMilliseconds, 1),
            };
        }

        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(new System.Text.Json.Nodes.JsonObject
        {
            ["status"] = report.Status.ToString(),
            ["checks"] = checks,
        }.ToJsonString());
    }
}

public static class LoadedCheckExtensions
{
    /// <summary>A readiness check that <typeparamref name="T"/> (data loaded and validated at start) could be built.</summary>
    public static IHealthChecksBuilder AddLoadedCheck<T>(this IHealthChecksBuilder checks, string name)
        where T : notnull => checks.AddCheck<LoadedCheck<T>>(name);
}

/// <summary>Healthy once <typeparamref name="T"/> is built: its data was loaded and validated (it throws, listing every error, otherwise).</summary>
internal sealed class LoadedCheck<T>(IServiceProvider services) : IHealthCheck
    where T : notnull
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        services.GetRequiredService<T>();
        return Task.FromResult(HealthCheckResult.Healthy("loaded"));
    }
}

/// <summary>The bot's version (its informational version without the commit), for the banner and the telemetry resource.</summary>
internal static class BotVersion
{
    public static string Current { get; } =
        System.Reflection.CustomAttributeExtensions.GetCustomAttribute<System.Reflection.AssemblyInformationalVersionAttribute>(typeof(BotVersion).Assembly)?.InformationalVersion.Split('+')[0] ?? "dev";
}
