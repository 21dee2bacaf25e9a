using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Slack;

namespace ChatTroubleshooter.Tests.Slack;

public sealed class SlackTextTests
{
    [Theory]
    [InlineData("the customer +33 6 12 34 56 78 called", "+33 6 12 34 56 78")]
    [InlineData("call from +14155552671 today", "+14155552671")]
    [InlineData("from 06 12 34 56 78 again", "06 12 34 56 78")]
    [InlineData("number (415) 555-2671 x", null)]
    public void Mask_PhoneNumbers_AreMasked(string text, string? phone)
    {
        var redacted = PhoneNumbers.Mask(text);

        if (phone is not null)
        {
            Assert.DoesNotContain(phone, redacted, StringComparison.Ordinal);
            Assert.Contains("•••••••", redacted, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Call 1000004 has no recording")]
    [InlineData("https://dashboard.aircall.io/calls/3331525701")]
    [InlineData("answered at 2026-05-23 09:00:10 UTC, 5 h 30 min")]
    public void Mask_CallIdsDatesAndDurations_AreKept(string text) =>
        Assert.Equal(text, PhoneNumbers.Mask(text));

    [Theory]
    [InlineData(ChatTroubleshooter.Cards.CardChannel.Slack)]
    [InlineData(ChatTroubleshooter.Cards.CardChannel.Teams)]
    public void Render_Masked_MasksTextsButNotButtonValues(ChatTroubleshooter.Cards.CardChannel channel)
    {
        var cards = new ChatTroubleshooter.Cards.CardRenderer(Fakes.TestConversations.Knowledge);
        var question = new ChatTroubleshooter.Diagnostics.Replies.QuestionReply("en", "conv-1", 1, "answered", "1/3", "Call +33 6 12 34 56 78: was it answered?",
            [new("yes", "Yes, +33 6 12 34 56 78"), new("no", "No")])
        { ConversationKey = "slack:T1:C1:thread:1700000000.000100" };

        string Render(bool mask) => (channel == ChatTroubleshooter.Cards.CardChannel.Slack ? cards.Slack(question, mask) : cards.Teams(question, mask)).ToJsonString();

        var masked = Render(mask: true);
        Assert.Contains("12 34 56 78", Render(mask: false), StringComparison.Ordinal);
        Assert.DoesNotContain("12 34 56 78", masked, StringComparison.Ordinal);
        // The conversation key (a thread ts of 16 digits) travels in the button values untouched.
        Assert.Contains("1700000000.000100", masked, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<@W23456789> 1234567", "W23456789", "1234567")]
    [InlineData("<@W23456789|bot> why?", "W23456789", "why?")]
    [InlineData("ask <@U999> and <@W23456789>", "W23456789", "ask <@U999> and")]
    [InlineData("<@U1> <@U2> hello", null, "hello")]
    public void StripMentions_RemovesTheBotsMention(string text, string? bot, string expected) =>
        Assert.Equal(expected, SlackWorkHandler.StripMentions(text, bot));
}
