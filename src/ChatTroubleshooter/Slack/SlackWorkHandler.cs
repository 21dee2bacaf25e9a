using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Links;
using ChatTroubleshooter.Outbox;
using ChatTroubleshooter.Places;

namespace ChatTroubleshooter.Slack;

/// <summary>
/// The slow half of the Slack adapter. It carries: learns the user's locale, hands the turn to the conversation
/// core, renders what the core decided as Block Kit and sends it where the question was asked (response_url for the
/// slash command and ephemeral messages, the thread for a mention, the DM for a direct message).
/// </summary>
internal sealed partial class SlackWorkHandler(
    ConversationService conversations,
    CallStatuses links,
    Diagnostics.Knowledge knowledge,
    CardRenderer cards,
    SlackApiClient api,
    SlackResponseClient responses,
    Microsoft.Extensions.Options.IOptions<SlackOptions> options,
    ILogger<SlackWorkHandler> logger) : IWorkHandler
{
    public string Name => "Slack";

    public bool Handles(Work work) => work is SlackWork;

    public async Task<IReadOnlyList<Delivery>> PlanAsync(WorkItem item, CancellationToken ct)
    {
        switch (item.Work)
        {
            case SlackCommandWork command:
            {
                // Each user's own conversation in the channel (the replies are ephemeral).
                var place = Place(command.TeamId, command.ChannelId);
                var key = $"{place}:{command.UserId}";
                var target = SlackTarget.Response(command.ResponseUrl, command.ChannelId, command.UserId);
                var turn = new Turn(ChatChannel.Slack, key, command.UserId, null)
                {
                    Text = command.Text,
                    Id = item.Id,
                    Place = place,
                    Reachable = new SlackPlace(command.ChannelId),
                };
                return await TurnAsync(turn, target, null, ct);
            }

            case SlackMessageWork message:
            {
                var bot = await api.BotUserIdAsync(ct);
                if (message.UserId == bot)
                {
                    return [];
                }

                var threadTs = message.ThreadTs ?? (message.IsMention ? message.Ts : null);
                var place = Place(message.TeamId, message.ChannelId);
                var key = threadTs is null ? place : Turn.ThreadKey(place, threadTs);
                var visibility = message.IsMention ? Visibility.Shared : Visibility.Private;
                var target = SlackTarget.Post(message.ChannelId, threadTs, message.UserId, visibility) with { FallbackUrl = message.FallbackUrl };
                var turn = new Turn(ChatChannel.Slack, key, message.UserId, null)
                {
                    Text = StripMentions(message.Text, bot),
                    Id = item.Id,
                    Place = place,
                    Reachable = new SlackPlace(message.ChannelId),
                };
                return await TurnAsync(turn, target, null, ct);
            }

            case SlackClickWork click:
            {
                // The click's response_url answers only the user who clicked: for ephemeral messages, and for what the core
                // says is private (a draft, a summary) wherever the clicked message was posted.
                var privately = SlackTarget.Response(click.ResponseUrl, click.ChannelId, click.UserId);
                var target = click.IsEphemeral || click.MessageTs is null
                    ? privately
                    : SlackTarget.Post(click.ChannelId, click.ThreadTs, click.UserId, click.ChannelId.StartsWith('D') ? Visibility.Private : Visibility.Shared);
                // Clicks on a diagnosis are not part of a conversation: they are keyed by where they happened.
                var place = Place(click.TeamId, click.ChannelId);
                var here = new Turn(ChatChannel.Slack, place, click.UserId, null)
                {
                    Id = item.Id,
                    Place = place,
                    UserName = click.UserName,
                    Thread = click.ThreadTs ?? click.MessageTs,
                };
                // A reply the core wants under the clicked message ("Investigate") goes in its thread.
                var inThread = click.MessageTs is null ? target : SlackTarget.Post(click.ChannelId, here.Thread, click.UserId, target.Visibility);
                return await TurnAsync(click.Value.ApplyTo(here), target, click.MessageTs, ct, privately, inThread);
            }

            case SlackUnfurlWork unfurl:
                return await UnfurlAsync(unfurl, ct);

            case SlackOpenModalWork modal:
            {
                var language = Diagnostics.Texts.Languages.FromLocale(await api.UserLocaleAsync(modal.UserId, ct)) ?? Diagnostics.Texts.Languages.Default;
                return [new SlackOpenViewDelivery(modal.TriggerId, SlackShortcuts.Modal(knowledge.Texts, language))];
            }

            case SlackRecheckWork recheck:
                return await TurnAsync(new Turn(ChatChannel.Slack, recheck.ConversationKey, recheck.Target.UserId, null)
                {
                    Intent = new Recheck(),
                    Id = item.Id,
                    Place = recheck.Place ?? recheck.ConversationKey,
                }, recheck.Target, null, ct);

            default:
                throw new InvalidOperationException($"Not Slack work: {item.Work.GetType().Name}.");
        }
    }

    /// <summary>
    /// Each shared link to a call the bot can read, unfurled with its status in the sharer's language; the whole channel
    /// sees an unfurl, so customer phone numbers are masked. Links to nothing readable unfurl to nothing.
    /// </summary>
    private async Task<IReadOnlyList<Delivery>> UnfurlAsync(SlackUnfurlWork unfurl, CancellationToken ct)
    {
        var language = Diagnostics.Texts.Languages.FromLocale(unfurl.Locale) ?? Diagnostics.Texts.Languages.Default;
        var unfurls = new JsonObject();
        var entities = new JsonArray();
        foreach (var url in unfurl.Urls)
        {
            if (await links.ForLinkAsync(url, language, ct) is { } status)
            {
                var message = cards.Slack(status, maskPhoneNumbers: true);
                unfurls[url] = new JsonObject { ["blocks"] = message["blocks"]!.DeepClone() };
                entities.Add(DiagnosisMetadata.ToSlackEntity(status, url));
            }
        }

        return unfurls.Count == 0 ? [] :
        [
            new SlackUnfurlDelivery(unfurl.ChannelId, unfurl.MessageTs, unfurl.UnfurlId, unfurl.Source, unfurls)
            {
                Metadata = options.Value.WorkObjectUnfurls ? new JsonObject { ["entities"] = entities } : null,
            },
        ];
    }

    /// <summary>A Slack team and channel: where a diagnosis's buttons may be clicked (<see cref="Turn.Place"/>).</summary>
    internal static string Place(string? teamId, string channelId) => $"slack:{teamId}:{channelId}";

    public async Task DeliverAsync(Delivery delivery, CancellationToken ct)
    {
        switch (delivery)
        {
            case SlackResponseDelivery response:
                await responses.PostAsync(response.Url, response.Message, ephemeral: true, response.ReplaceOriginal, ct);
                break;
            case SlackPostDelivery post:
                try
                {
                    await api.PostMessageAsync(post.ChannelId, post.ThreadTs, post.Message, ct, post.Id);
                }
                catch (SlackApiException e) when (post.FallbackUrl is { } fallback && e.Error is "not_in_channel" or "channel_not_found" or "is_archived")
                {
                    // The bot is not in that channel (a shortcut used where it was never added): the user alone gets the answer.
                    logger.LogInformation("Slack refused a post in {Channel} ({Error}); answered privately instead.", post.ChannelId, e.Error);
                    await responses.PostAsync(fallback, post.Message, ephemeral: true, replaceOriginal: false, ct);
                }

                break;
            case SlackOpenViewDelivery view:
                try
                {
                    await api.OpenViewAsync(view.TriggerId, view.View, ct);
                }
                catch (SlackApiException e) when (e.Error is "expired_trigger_id" or "invalid_trigger_id")
                {
                    // A trigger lasts 3 s: opening it again would be refused the same way. The user uses the shortcut again.
                    logger.LogWarning("The shortcut's modal could not be opened: {Error} (its trigger lasts 3 s).", e.Error);
                }

                break;
            case SlackUnfurlDelivery unfurl:
                await api.UnfurlAsync(unfurl.ChannelId, unfurl.MessageTs, unfurl.UnfurlId, unfurl.Source, unfurl.Unfurls, unfurl.Metadata, ct);
                break;
            case SlackUpdateDelivery update:
                try
                {
                    await api.UpdateAsync(update.ChannelId, update.Ts, update.Message, ct);
                }
                catch (SlackApiException e)
                {
                    // The message stays as it was; a second click gets "already answered". Not worth failing the reply.
                    logger.LogWarning("Could not replace the clicked message: {Error}", e.Error);
                }

                break;
            default:
                throw new InvalidOperationException($"Not a Slack delivery: {delivery.GetType().Name}.");
        }
    }

    /// <summary>A new message is looked for by its delivery id; a response_url post cannot be (Slack offers no way to read it).</summary>
    public async Task<bool?> FindSentAsync(Delivery delivery, CancellationToken ct) => delivery switch
    {
        SlackPostDelivery { Id: { } id } post => await api.FindPostedAsync(post.ChannelId, post.ThreadTs, id, ct),
        _ => null,
    };

    /// <summary>
    /// The turn with the user's locale, and what to send for the core's outcome; a private outcome goes to
    /// <paramref name="privately"/> when the turn came with one (a click's response_url).
    /// </summary>
    private async Task<IReadOnlyList<Delivery>> TurnAsync(
        Turn turn, SlackTarget target, string? clickedTs, CancellationToken ct, SlackTarget? privately = null, SlackTarget? inThread = null)
    {
        var locale = await api.UserLocaleAsync(turn.UserId, ct);
        var outcome = await conversations.HandleTurnAsync(turn with { Locale = locale, Visibility = target.Visibility }, ct);
        if (outcome.PrivateToUser && privately is not null)
        {
            target = privately;
        }
        else if (outcome.InThread && inThread is not null)
        {
            target = inThread;
        }

        var plan = new List<Delivery>(3);

        // An accepted answer: the question becomes its answered, read-only version, so it cannot be clicked twice.
        if (outcome.Answered is { } answered)
        {
            plan.AddRange(Replace(target, clickedTs, cards.Answered(CardChannel.Slack, answered.Question, answered.Value, outcome.MaskPhoneNumbers)));
        }

        var message = cards.Slack(outcome.Reply, outcome.MaskPhoneNumbers);
        plan.AddRange(outcome.ReplacesClicked ? Replace(target, clickedTs, message) : New(target, message));
        if (outcome.RecheckAfter is { } after)
        {
            plan.Add(new FollowUp(after, new SlackRecheckWork(turn.ConversationKey, target) { Place = turn.Place }));
        }

        if (outcome.Then is { } then)
        {
            plan.Add(new FollowUp(TimeSpan.Zero, then));
        }

        return plan;
    }

    private IEnumerable<Delivery> New(SlackTarget target, JsonObject message) =>
        target.ViaResponseUrl
            ? Response(target, message, replace: false)
            : [new SlackPostDelivery(target.ChannelId, target.ThreadTs, message) { FallbackUrl = target.FallbackUrl }];

    private IEnumerable<Delivery> Replace(SlackTarget target, string? clickedTs, JsonObject message) =>
        target.ViaResponseUrl || clickedTs is null
            ? Response(target, message, replace: true)
            : [new SlackUpdateDelivery(target.ChannelId, clickedTs, message)];

    private IEnumerable<Delivery> Response(SlackTarget target, JsonObject message, bool replace)
    {
        if (string.IsNullOrEmpty(target.ResponseUrl))
        {
            logger.LogWarning("A Slack reply has no response_url to go to; not sent.");
            return [];
        }

        return [new SlackResponseDelivery(target.ResponseUrl, message, replace)];
    }

    /// <summary>Removes the bot's own mention (or, when the bot's id is unknown, any leading mention).</summary>
    internal static string StripMentions(string text, string? botUserId)
    {
        var stripped = botUserId is null
            ? LeadingMention().Replace(text, "")
            : Regex.Replace(text, $@"<@{Regex.Escape(botUserId)}(\|[^>]*)?>", "");
        return stripped.Trim();
    }

    [GeneratedRegex(@"^\s*(<@[A-Z0-9]+(\|[^>]*)?>\s*)+")]
    private static partial Regex LeadingMention();
}
