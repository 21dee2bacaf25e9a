using System.Text.Json;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Tests.Fakes;
using ChatTroubleshooter.Diagnostics.Replies;
using NJsonSchema;

namespace ChatTroubleshooter.Tests.Cards;

public sealed class CardOutputTests
{
    private static readonly CardRenderer Renderer = new(SampleReplies.Knowledge);

    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "cards", "adaptive-card-1.5.0.json")).GetAwaiter().GetResult());

    public static TheoryData<string> SampleNames() => new(SampleReplies.All().Select(s => s.Name));

    private static Reply Sample(string name) => SampleReplies.All().Single(s => s.Name == name).Reply;

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Teams_EveryReplyInEveryLanguage_IsValidAgainstTheOfficialSchema(string name)
    {
        var reply = Sample(name);
        var cards = new List<JsonObject> { Renderer.Teams(reply) };
        if (reply is QuestionReply question)
        {
            cards.Add(Renderer.Answered(CardChannel.Teams, question, question.Options[0].Value));
        }

        foreach (var card in cards)
        {
            Assert.Equal("1.5", (string?)card["version"]);
            var errors = Schema.Value.Validate(card.ToJsonString());
            Assert.True(errors.Count == 0, $"{name}: " + string.Join("; ", errors.Select(e => $"{e.Kind} {e.Path}")));
            // No template syntax is left over, except inside the user's own text.
            Assert.DoesNotContain(Descendants(card).OfType<JsonValue>(), v => v.TryGetValue<string>(out var s)
                && (s.Contains("${", StringComparison.Ordinal) || s.Contains("$data", StringComparison.Ordinal) || s.Contains("$when", StringComparison.Ordinal))
                && !s.Contains("He said", StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Slack_EveryReplyInEveryLanguage_ObeysBlockKitLimits(string name)
    {
        var reply = Sample(name);
        var message = Renderer.Slack(reply);

        var blocks = Assert.IsType<JsonArray>(message["blocks"]);
        Assert.InRange(blocks.Count, 1, SlackLimits.MaxBlocks);
        Assert.False(string.IsNullOrWhiteSpace((string?)message["text"]));
        foreach (var block in blocks.OfType<JsonObject>())
        {
            switch ((string?)block["type"])
            {
                case "header":
                    Assert.InRange(((string?)block["text"]!["text"])!.Length, 1, SlackLimits.MaxHeaderText);
                    Assert.Equal("plain_text", (string?)block["text"]!["type"]);
                    break;
                case "section":
                    Assert.InRange(((string?)block["text"]!["text"])!.Length, 1, SlackLimits.MaxSectionText);
                    break;
                case "actions":
                    foreach (var button in block["elements"]!.AsArray().OfType<JsonObject>())
                    {
                        Assert.InRange(((string?)button["text"]!["text"])!.Length, 1, SlackLimits.MaxButtonText);
                        // A link button (the audit's CSV) opens its URL (at most 3,000 characters) and carries no value.
                        Assert.InRange(((string?)(button["value"] ?? button["url"]))!.Length, 1, button["url"] is null ? SlackLimits.MaxButtonValue : 3000);
                        Assert.InRange(((string?)button["action_id"])!.Length, 1, SlackLimits.MaxActionId);
                    }

                    var ids = block["elements"]!.AsArray().Select(b => (string?)b!["action_id"]).ToList();
                    Assert.Equal(ids.Count, ids.Distinct().Count());
                    break;
            }
        }
    }

    [Fact]
    public void Question_Buttons_CarryTheFactIdAndValueInBothChannels()
    {
        var question = (QuestionReply)Sample("question-talk-seconds.en");

        var teams = Renderer.Teams(question);
        var slack = Renderer.Slack(question);

        var execute = teams["actions"]!.AsArray().Select(a => a!.AsObject()).Where(a => (string?)a["verb"] == "answer").ToList();
        Assert.Equal(["..4", "5..14400", "14401..", "unknown"], execute.Select(a => (string?)a["data"]!["value"]));
        Assert.All(execute, a =>
        {
            Assert.Equal("Action.Execute", (string?)a["type"]);
            Assert.Equal("answer", (string?)a["verb"]);
            Assert.Equal("talk-seconds", (string?)a["data"]!["factId"]);
            Assert.Equal("c0ffee", (string?)a["data"]!["conversationId"]);
            Assert.Equal("Action.Submit", (string?)a["fallback"]!["type"]);
            Assert.Equal("answer", (string?)a["fallback"]!["data"]!["verb"]);
        });

        var buttons = slack["blocks"]!.AsArray().Single(b => (string?)b!["block_id"] == "answer")!["elements"]!.AsArray();
        Assert.Equal("answer:talk-seconds:..4", (string?)buttons[0]!["action_id"]);
        // One record in both channels: the Slack value is the Teams data, as text.
        var answer = Assert.IsType<AnswerButton>(ButtonValues.Read((string)buttons[0]!["value"]!));
        Assert.Equal(("c0ffee", "talk-seconds", "..4"), (answer.ConversationId, answer.FactId, answer.Value));
        Assert.Equal(execute[0]["data"]!.ToJsonString(), (string)buttons[0]!["value"]!);
    }

    [Fact]
    public void Diagnosis_ShowsItsCausesById_AndFeedbackButtonsCarryTheDiagnosis()
    {
        var confirmed = (DiagnosisReply)Sample("diagnosis-confirmed.en");
        var possible = (DiagnosisReply)Sample("diagnosis-possible.en");

        Assert.Equal(["recording-disabled", "too-short", "number-deleted"], confirmed.ConfirmedCauseIds);
        var teams = Renderer.Teams(confirmed).ToJsonString();
        var slack = Renderer.Slack(confirmed);
        Assert.Equal(["cause:recording-disabled", "cause:too-short", "cause:number-deleted"],
            JsonTexts.All(JsonNode.Parse(teams)).Where(t => t.StartsWith("cause:", StringComparison.Ordinal)));
        Assert.Equal(["cause:recording-disabled", "cause:too-short", "cause:number-deleted"],
            slack["blocks"]!.AsArray().Select(b => (string?)b!["block_id"]).Where(id => id?.StartsWith("cause:", StringComparison.Ordinal) == true));
        var feedback = slack["blocks"]!.AsArray().Single(b => (string?)b!["block_id"] == "feedback")!["elements"]!.AsArray();
        // One "not solved": the old "Still stuck?" did the same.
        Assert.Equal(["feedback:solved", "feedback:not-solved"], feedback.Select(b => (string?)b!["action_id"]));
        Assert.Equal([new FeedbackButton("d1a9", true), new FeedbackButton("d1a9", false)],
            feedback.Select(b => ButtonValues.Read((string?)b!["value"])));

        // Nothing confirmed: no "solved" button, and the escalation summary is shown.
        var possibleTeams = Renderer.Teams(possible);
        Assert.Equal([false], possibleTeams["actions"]!.AsArray().Where(a => (string?)a!["verb"] == "feedback")
            .Select(a => ((FeedbackButton)ButtonValues.Read(JsonDocument.Parse(a!["data"]!.ToJsonString()).RootElement)!).Helpful));
        // The summary for a ticket is there, but behind a toggle: a short card first.
        var details = possibleTeams["body"]!.AsArray().Single(b => (string?)b!["id"] == "details")!;
        Assert.False((bool?)details["isVisible"]);
        Assert.Contains(possible.Escalation.Split('\n')[1], details.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains(possibleTeams["actions"]!.AsArray(), a => (string?)a!["type"] == "Action.ToggleVisibility"
            && a["targetElements"]!.AsArray().Select(t => (string?)t).SequenceEqual(["details"]));
        Assert.DoesNotContain(possibleTeams["actions"]!.AsArray(), a => (string?)a!["type"] == "Action.ShowCard");
    }

    [Fact]
    public void HostileUserText_StaysLiteralInTeamsAndIsEscapedForSlackMrkdwn()
    {
        var reply = Sample("diagnosis-confirmed.en");

        var teams = Renderer.Teams(reply);
        var runs = teams.ToJsonString();
        Assert.Contains(JsonValue.Create(SampleReplies.HostileText)!.ToJsonString()[1..^1], runs, StringComparison.Ordinal);
        // User text only ever goes into TextRun (no markdown), never into a TextBlock.
        Assert.DoesNotContain(Descendants(teams).OfType<JsonObject>(), o => (string?)o["type"] == "TextBlock"
            && ((string?)o["text"])!.Contains("He said", StringComparison.Ordinal));

        // mrkdwn texts are escaped; plain_text texts are shown literally by Slack and need no escaping.
        var slack = string.Join("\n", Descendants(Renderer.Slack(reply)).OfType<JsonObject>()
            .Where(o => (string?)o["type"] == "mrkdwn").Select(o => (string)o["text"]!));
        Assert.DoesNotContain("<@U123", slack, StringComparison.Ordinal);
        Assert.DoesNotContain("<!channel>", slack, StringComparison.Ordinal);
        Assert.Contains("&lt;@U123|bob&gt;", slack, StringComparison.Ordinal);
        Assert.Contains("*\u200Bbold*\u200B", slack, StringComparison.Ordinal);
        Assert.Contains("&amp;amp;", slack, StringComparison.Ordinal);
    }

    [Fact]
    public void Answered_Question_IsReadOnlyAndShowsTheAnswer()
    {
        var question = (QuestionReply)Sample("question-answered.fr");

        var teams = Renderer.Answered(CardChannel.Teams, question, "no");
        var slack = Renderer.Answered(CardChannel.Slack, question, "no");

        Assert.Null(teams["actions"]);
        Assert.Contains("Votre réponse : Non", Texts(teams));
        Assert.DoesNotContain(slack["blocks"]!.AsArray(), b => (string?)b!["type"] == "actions");
        Assert.Contains(Texts(slack), t => t.Contains("Votre réponse : Non", StringComparison.Ordinal));
    }

    [Fact]
    public void Slack_OverlongTexts_AreCutGracefullyAndCodeBlocksClosed()
    {
        var longText = string.Join('\n', Enumerable.Repeat("A line of escalation text that is quite long & detailed.", 200));
        var message = new JsonObject
        {
            ["text"] = "t",
            ["blocks"] = new JsonArray(
                new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = new string('h', 400) } },
                new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = "```" + longText.Replace("&", "&amp;", StringComparison.Ordinal) + "```" } }),
        };
        for (var i = 0; i < 60; i++)
        {
            message["blocks"]!.AsArray().Add(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = $"cause {i}" } });
        }

        message["blocks"]!.AsArray().Add(new JsonObject { ["type"] = "actions", ["elements"] = new JsonArray() });

        SlackLimits.Apply(message);

        var blocks = message["blocks"]!.AsArray();
        Assert.Equal(SlackLimits.MaxBlocks, blocks.Count);
        Assert.Equal("actions", (string?)blocks[^1]!["type"]);
        var header = (string)blocks[0]!["text"]!["text"]!;
        Assert.Equal(SlackLimits.MaxHeaderText, header.Length);
        Assert.EndsWith("…", header, StringComparison.Ordinal);
        var section = (string)blocks[1]!["text"]!["text"]!;
        Assert.True(section.Length <= SlackLimits.MaxSectionText);
        Assert.EndsWith("…```", section, StringComparison.Ordinal);
        Assert.DoesNotMatch("&[a-z]*…", section);
    }

    private static IEnumerable<string> Texts(JsonNode node) => JsonTexts.All(node);

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        yield return node;
        var children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a.AsEnumerable(),
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>())
        {
            foreach (var d in Descendants(child))
            {
                yield return d;
            }
        }
    }
}
