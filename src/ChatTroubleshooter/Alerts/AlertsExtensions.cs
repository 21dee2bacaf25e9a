using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Outbox;
using ChatTroubleshooter.Places;

namespace ChatTroubleshooter.Alerts;

public static class AlertsExtensions
{
    /// <summary>Registers the proactive alerts: their options and the worker of Aircall's webhook events.</summary>
    public static IHostApplicationBuilder AddAlerts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AlertsOptions>().BindConfiguration(AlertsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddPlaces();
        builder.Services.AddAlertsStoredTypes();
        builder.Services.AddSingleton<IWorkHandler, AlertWorkHandler>();
        builder.Services.AddTurnCommand<AlertCommands>();
        builder.Services.AddIntentHandler<AlertIntents>();
        return builder;
    }
}
