using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Outbox;

namespace ChatTroubleshooter.Audit;

/// <summary>Who may run audits (environment form: <c>Audit__AdminOnly</c>).</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>Only <c>Stats__AdminUserIds</c> may run audits; everyone by default.</summary>
    public bool AdminOnly { get; set; }

    /// <summary>How often an audit asked while another runs looks again whether its turn has come (one audit at a time).</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan QueuedRetry { get; set; } = TimeSpan.FromSeconds(15);
}

public static class AuditExtensions
{
    /// <summary>
    /// Registers bulk audits: their worker and stored kinds, the <c>audit …</c> command and Cancel, their reports and the
    /// links that serve them.
    /// </summary>
    public static IHostApplicationBuilder AddAudits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ReportsOptions>().BindConfiguration(ReportsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<AuditReports>();
        builder.Services.AddSingleton<IWorkHandler, AuditWorkHandler>();
        builder.Services.AddAuditStoredTypes();
        builder.Services.AddSingleton<AuditCommands>();
        builder.Services.AddSingleton<ITurnCommand>(sp => sp.GetRequiredService<AuditCommands>());
        builder.Services.AddSingleton<IIntentHandler>(sp => sp.GetRequiredService<AuditCommands>());
        return builder;
    }

    /// <summary><c>GET /reports/{file}?expires=…&amp;sig=…</c>: an audit's chart or CSV, while its signed link lasts (else 404).</summary>
    public static IEndpointRouteBuilder MapAuditReports(this IEndpointRouteBuilder app)
    {
        app.MapGet(AuditReports.Route, async (string file, string? expires, string? sig, AuditReports reports, CancellationToken ct) =>
            await reports.OpenAsync(file, expires, sig, ct) is { } content
                ? file.EndsWith(".png", StringComparison.Ordinal)
                    ? Results.File(content, "image/png")
                    : Results.File(content, "text/csv; charset=utf-8", file)
                : Results.NotFound());
        return app;
    }
}
