using ChatTroubleshooter.Alerts;
using ChatTroubleshooter.Audit;
using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Outbox;
using ChatTroubleshooter.Slack;
using ChatTroubleshooter.Teams;
using ChatTroubleshooter.Tests.Fakes;

namespace ChatTroubleshooter.Tests.State;

/// <summary>
/// Issue 31: the outbox engine and the places no longer list the features' kinds; each feature registers its own. What
/// was stored before must still be read: <c>TestData/stored-3c7c118</c> holds outbox items (every kind of work, and a
/// plan with every kind of delivery) and alert subscriptions as main 3c7c118 wrote them (its OutboxJson and
/// AlertSubscriptionJson, from the records of that commit).
/// </summary>
public sealed class StoredBeforeTests
{
    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "TestData", "stored-3c7c118", "outbox-and-subscriptions.txt"));

    private static IEnumerable<string> Items => Lines.Where(l => !l.StartsWith("SUB ", StringComparison.Ordinal));

    [Fact]
    public void EveryKindOfWorkStoredBy3c7c118_IsReadAsTheSameKind()
    {
        Type[] expected =
        [
            typeof(SlackCommandWork), typeof(SlackMessageWork), typeof(SlackClickWork), typeof(SlackClickWork), typeof(SlackClickWork), typeof(SlackRecheckWork),
            typeof(TeamsMessageWork), typeof(TeamsSubmitWork), typeof(TeamsWelcomeWork), typeof(TeamsRecheckWork), typeof(TeamsSendWork),
            typeof(AlertCheckWork), typeof(NumberDeletedWork), typeof(AuditWork), typeof(AuditWork),
        ];
        var items = Items.Select(json => TestStoredJson.All.TryDeserialize<WorkItem>(json)).ToList();

        Assert.All(items, Assert.NotNull);
        Assert.Equal(expected, items.Select(i => i!.Work.GetType()));
        var muted = Assert.IsType<SlackClickWork>(items[3]!.Work);
        Assert.Equal(new MuteButton("d1", 42, "Support FR"), muted.Value);
        var audit = Assert.IsType<AuditWork>(items[13]!.Work);
        Assert.Equal(new TeamsPlace("https://smba.trafficmanager.net/emea/", "19:abc@thread.tacv2", "t1", true), audit.Target);
        Assert.IsType<NumberSubject>(audit.Request.Subject);
        Assert.Equal(new SlackPlace("C123"), Assert.IsType<AuditWork>(items[14]!.Work).Target);
    }

    [Fact]
    public void APlanStoredBy3c7c118_KeepsEveryDelivery_AndWhatWasSent()
    {
        var plan = TestStoredJson.All.TryDeserialize<WorkItem>(Items.First())!.Plan!;

        Assert.Equal(
            [typeof(FollowUp), typeof(SlackResponseDelivery), typeof(SlackPostDelivery), typeof(SlackUpdateDelivery), typeof(TeamsTypingDelivery),
                typeof(TeamsReplyDelivery), typeof(TeamsUpdateDelivery), typeof(AlertPostDelivery), typeof(AlertSummaryDelivery),
                typeof(AlertInThreadDelivery), typeof(AuditMessageDelivery)],
            plan.Select(d => d.GetType()));
        Assert.True(plan[0].Sent);
        Assert.IsType<SlackRecheckWork>(Assert.IsType<FollowUp>(plan[0]).Work);
        Assert.Equal(new SlackPlace("C123"), Assert.IsType<AlertPostDelivery>(plan[7]).Target);
        Assert.IsType<TeamsPlace>(Assert.IsType<AuditMessageDelivery>(plan[10]).Target);
    }

    [Fact]
    public void ItemsWrittenNow_KeepTheDiscriminatorsOf3c7c118()
    {
        foreach (var json in Items)
        {
            var again = TestStoredJson.All.Serialize(TestStoredJson.All.TryDeserialize<WorkItem>(json)!);

            Assert.Equal(Kinds(json), Kinds(again));
        }

        // "kind" of work and places, "type" of deliveries, "verb" of buttons, "$kind" of nothing else.
        static string[] Kinds(string json) =>
            [.. System.Text.RegularExpressions.Regex.Matches(json, "\"(kind|type|verb)\":\"([^\"]+)\"").Select(m => m.Value)];
    }

    [Fact]
    public void AlertSubscriptionsStoredBy3c7c118_AreRead()
    {
        var subscriptions = Lines.Where(l => l.StartsWith("SUB ", StringComparison.Ordinal))
            .Select(l => TestStoredJson.All.TryDeserialize<AlertSubscription>(l[4..])).ToList();

        Assert.Equal(2, subscriptions.Count);
        Assert.Equal(new TeamsPlace("https://smba.trafficmanager.net/emea/", "19:abc@thread.tacv2", "t1", true), subscriptions[0]!.Target);
        Assert.Equal(new SlackPlace("C123"), subscriptions[1]!.Target);
    }

    [Fact]
    public void AKindNoFeatureRegistered_IsUnreadable_NotACrash()
    {
        var unknown = Items.First().Replace("\"kind\":\"slack.command\"", "\"kind\":\"fax.command\"", StringComparison.Ordinal);

        Assert.Null(TestStoredJson.All.TryDeserialize<WorkItem>(unknown));
    }
}

/// <summary>
/// Conversations are now source-generated JSON of the record itself (no hand-written mapping); those written by the
/// hand-written mapping before (3c7c118's shape, and the same with issue 30's hints) still read, and are written back
/// in the same shape.
/// </summary>
public sealed class StoredConversationTests
{
    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "TestData", "stored-3c7c118", "conversations.txt"));

    [Fact]
    public void AConversationStoredBy3c7c118_IsRead_FactsEvidenceAndAll()
    {
        var c = ChatTroubleshooter.Conversations.ConversationJson.Deserialize(Lines[0], version: 7);

        Assert.Equal(("slack:T1:C1:U1", "fr", 7L, "recording-enabled", 2), (c.Key, c.Language, c.Version, c.PendingFactId, c.QuestionsAsked));
        Assert.Equal(ChatTroubleshooter.Diagnostics.Facts.FactValue.Seconds(3), c.Facts["talk-seconds"]!.Value);
        Assert.Equal(ChatTroubleshooter.Diagnostics.Facts.FactSource.Api, c.Facts["talk-seconds"]!.Source);
        Assert.Equal("appel entrant", c.Facts["direction"]!.Evidence.Args["quote"]);
        Assert.Equal(["answered", "direction"], c.Settled.Order(StringComparer.Ordinal));
        Assert.Empty(c.Hints);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764496800000), c.UpdatedAt);
        Assert.True(c.IsOpen);
        Assert.Equal("FR", c.Country);
    }

    [Fact]
    public void StoredConversations_AreWrittenBackInTheShapeTheyWereReadIn()
    {
        foreach (var line in Lines)
        {
            var again = ChatTroubleshooter.Conversations.ConversationJson.Serialize(ChatTroubleshooter.Conversations.ConversationJson.Deserialize(line, 1));
            var expected = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
            expected["hints"] ??= new System.Text.Json.Nodes.JsonArray();

            Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(expected, System.Text.Json.Nodes.JsonNode.Parse(again)), again);
        }
    }

    [Fact]
    public void AClosedConversation_WithHints_IsRead()
    {
        var c = ChatTroubleshooter.Conversations.ConversationJson.Deserialize(Lines[1], 1);

        Assert.False(c.IsOpen);
        Assert.Equal(["recording-paused"], c.Hints);
        Assert.Null(c.Facts["talk-seconds"]!.Value.Max);
    }
}
