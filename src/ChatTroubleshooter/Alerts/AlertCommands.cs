using System.Globalization;
using System.Text.RegularExpressions;
using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Diagnostics;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Diagnostics.Texts;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Alerts;

/// <summary>
/// <c>alerts here</c> / <c>alerts off</c> / <c>alerts</c>: an admin chooses the conversations proactive alerts go to
/// (Slack: <c>/norecording alerts here</c>; Teams: <c>@bot alerts here</c>). A command registered with the conversation
/// core; the channel only says how its place can be reached later (<see cref="Turn.Reachable"/>).
/// </summary>
public sealed partial class AlertCommands(
    Knowledge knowledge,
    IAlertSubscriptions subscriptions,
    Admins admins,
    IOptions<AircallOptions> aircall,
    TimeProvider time,
    ILogger<AlertCommands> logger) : ITurnCommand
{
    private readonly ReplyComposer _composer = new(knowledge);

    public async Task<TurnOutcome?> TryAsync(Turn turn, string text, string language, CancellationToken ct) =>
        await ReplyAsync(turn, text, language, ct) is { } reply ? new TurnOutcome(reply) : null;

    /// <summary>The reply to an alerts command, or null when <paramref name="text"/> is not one.</summary>
    private async Task<Reply?> ReplyAsync(Turn turn, string text, string language, CancellationToken ct)
    {
        if (Command().Match(text.Trim()) is not { Success: true } match)
        {
            return null;
        }

        if (!admins.IsAdmin(turn.Channel, turn.UserId))
        {
            return Say(language, TextKeys.AlertsRefused);
        }

        if (turn.Reachable is not { } target)
        {
            return Say(language, TextKeys.AlertsNotHere);
        }

        switch (match.Groups[1].Value.ToLowerInvariant())
        {
            case "here" or "on":
                var by = turn.UserName ?? turn.UserId;
                await subscriptions.SubscribeAsync(new AlertSubscription(turn.Place, target, by, time.GetUtcNow(), language), ct);
                logger.LogInformation("Alerts turned on in {Place} by {User}.", turn.Place, turn.UserId);
                var on = _composer.Text(language, TextKeys.AlertsOn);
                return new MessageReply(language, MessageKind.Info, aircall.Value.HasWebhookTokens ? on : on + "\n\n" + _composer.Text(language, TextKeys.AlertsNoWebhooks));

            case "off":
                var removed = await subscriptions.UnsubscribeAsync(turn.Place, ct);
                logger.LogInformation("Alerts turned off in {Place} by {User} (were on: {WereOn}).", turn.Place, turn.UserId, removed);
                return Say(language, removed ? TextKeys.AlertsOff : TextKeys.AlertsWereOff);

            default:
                var all = await subscriptions.SubscriptionsAsync(ct);
                var count = all.Count.ToString(CultureInfo.InvariantCulture);
                return all.FirstOrDefault(s => s.Place == turn.Place) is { } here
                    ? Say(language, TextKeys.AlertsStatusOn, ("since", knowledge.Texts.FormatMoment(language, here.Since, null)), ("by", here.By), ("count", count))
                    : Say(language, TextKeys.AlertsStatusOff, ("count", count));
        }
    }

    private MessageReply Say(string language, string key, params (string Name, string Value)[] args) =>
        _composer.Message(language, MessageKind.Info, key, args);

    [GeneratedRegex(@"^alerts(?:\s+(here|on|off|status))?$", RegexOptions.IgnoreCase)]
    private static partial Regex Command();
}
