using System.ComponentModel.DataAnnotations;

namespace ChatTroubleshooter.Alerts;

/// <summary>Proactive alerts from Aircall's webhooks (environment form: <c>Alerts__SlackChannel</c>…).</summary>
public sealed class AlertsOptions
{
    public const string Section = "Alerts";

    /// <summary>The Slack channel id (C…) alerts are posted to; none: no Slack alerts.</summary>
    [RegularExpression("^[CG][A-Z0-9]{2,30}$", ErrorMessage = "Alerts:SlackChannel is a Slack channel id (C… or G…), not a name.")]
    public string? SlackChannel { get; set; }

    /// <summary>How long to wait for a call's recording after <c>call.ended</c> before looking again (a durable planned item).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan AssetsGrace { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Also alert on calls that are not expected to have a recording (not answered, under 5 s, over 4 h).</summary>
    public bool IncludeExpected { get; set; }

    /// <summary>
    /// More alerts than this for one number within an hour make a burst: one summary message (kept up to date) and the
    /// following alerts in its thread, instead of a flood in the channel.
    /// </summary>
    [Range(1, 1000)]
    public int BurstThreshold { get; set; } = 5;

    /// <summary>
    /// Warn the agent in the Aircall phone app, during the call, when a call is answered on a number whose recording is
    /// off for its direction (an Insight Card on <c>call.answered</c>). On by default; it acts only when Aircall's
    /// webhooks reach the bot (<c>Aircall__WebhookTokens__N</c>).
    /// </summary>
    public bool InCallWarnings { get; set; } = true;

    /// <summary>The language of alerts and in-call warnings (a channel has no one user's language).</summary>
    [RegularExpression("^(en|es|fr|de|it|pt|nl)$")]
    public string Language { get; set; } = "en";
}
