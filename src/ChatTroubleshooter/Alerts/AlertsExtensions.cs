using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Outbox;
using ChatTroubleshooter.Places;

namespace ChatTroubleshooter.Alerts;

public static class AlertsExtensions
{
    /// <summary>
    /// Registers the proactive alerts: their options, their stored kinds of work and delivery and their workers (Aircall's
    /// webhook events: alerts after a call, warnings during one), the <c>alerts here|off</c> command and the clicks on an
    /// alert ("Expected", "Investigate").
    /// </summary>
    public static IHostApplicationBuilder AddAlerts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AlertsOptions>().BindConfiguration(AlertsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddPlaces();
        builder.Services.AddAlertsStoredTypes();
        builder.Services.AddSingleton<IWorkHandler, AlertWorkHandler>();
        builder.Services.AddSingleton<IWorkHandler, InCallWarnings>();
        builder.Services.AddTurnCommand<AlertCommands>();
        builder.Services.AddIntentHandler<AlertIntents>();
        return builder;
    }
}
