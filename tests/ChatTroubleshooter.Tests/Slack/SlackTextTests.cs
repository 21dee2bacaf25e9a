using ChatTroubleshooter.Conversations;
using System.Text.Json.Nodes;
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

    [Fact]
    public void Redact_Message_MasksTextsButNotButtonValues()
    {
        var message = new JsonObject
        {
            ["text"] = "+33 6 12 34 56 78",
            ["blocks"] = new JsonArray(new JsonObject
            {
                ["type"] = "actions",
                ["elements"] = new JsonArray(new JsonObject { ["value"] = "+33 6 12 34 56 78", ["text"] = new JsonObject { ["text"] = "+33 6 12 34 56 78" } }),
            }),
        };

        var redacted = SlackRedaction.Redact(message).AsObject();

        Assert.DoesNotContain("12 34", (string)redacted["text"]!, StringComparison.Ordinal);
        Assert.Equal("+33 6 12 34 56 78", (string?)redacted["blocks"]![0]!["elements"]![0]!["value"]);
        Assert.DoesNotContain("12 34", (string)redacted["blocks"]![0]!["elements"]![0]!["text"]!["text"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<@W23456789> 1234567", "W23456789", "1234567")]
    [InlineData("<@W23456789|bot> why?", "W23456789", "why?")]
    [InlineData("ask <@U999> and <@W23456789>", "W23456789", "ask <@U999> and")]
    [InlineData("<@U1> <@U2> hello", null, "hello")]
    public void StripMentions_RemovesTheBotsMention(string text, string? bot, string expected) =>
        Assert.Equal(expected, SlackWorkHandler.StripMentions(text, bot));
}
