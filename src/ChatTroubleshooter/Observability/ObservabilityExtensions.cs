using System.Diagnostics;
using System.Diagnostics.Metrics;
using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Conversations.State;
using ChatTroubleshooter.Diagnostics;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

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

    public static readonly Counter<long> WorkFailures = Meter.CreateCounter<long>("chattroubleshooter.work.failures");

    public static readonly Counter<long> DeadLetters = Meter.CreateCounter<long>("chattroubleshooter.work.dead_letters");

    public static readonly Histogram<int> CommitBatch = Meter.CreateHistogram<int>(
        "chattroubleshooter.outbox.commit_batch", description: "Writes per group commit of the SQLite store (accepted work, outbox progress, state).");
}

public static class ObservabilityExtensions
{
    /// <summary>OpenTelemetry metrics exported for Prometheus, and the liveness/readiness endpoints.</summary>
    public static IHostApplicationBuilder AddObservability(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section);
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(BotMetrics.MeterName)
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

        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", async (IStateStore state, IServiceProvider services, CancellationToken ct) =>
        {
            try
            {
                // Rules and texts loaded and valid, card templates loaded, and the state store answering.
                services.GetRequiredService<Knowledge>();
                services.GetRequiredService<CardRenderer>();
                await state.GetAsync("readyz:probe", ct);
                return Results.Text("ready");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                app.Logger.LogWarning("Not ready: {Error}", e.Message);
                return Results.Text("not ready", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        return app;
    }
}
