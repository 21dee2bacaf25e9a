using ChatTroubleshooter.Stats;
using ChatTroubleshooter.Storage.Memory;
using ChatTroubleshooter.Caching;
using ChatTroubleshooter.Places;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;

namespace ChatTroubleshooter.Tests.Feedback;

public sealed class StatsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DiagnosisRecord D(int daysAgo, string kind, int questions, string? input = null, params string[] causes) =>
        new(Guid.NewGuid().ToString("N"), "slack", "en", kind, causes, questions, input, Now.AddDays(-daysAgo), "{}");

    private static FeedbackRecord F(int daysAgo, bool helpful) =>
        new(Guid.NewGuid().ToString("N"), "U" + Guid.NewGuid().ToString("N"), [], helpful, "slack", "en", Now.AddDays(-daysAgo));

    /// <summary>A seeded month: 6 diagnoses in the last week, 4 more before it; 5 feedbacks.</summary>
    private static (List<DiagnosisRecord> Diagnoses, List<FeedbackRecord> Feedback) Seed() => (
        [
            D(1, "Confirmed", 0, "1000004", "too-short"),
            D(2, "Confirmed", 0, "1000001", "recording-disabled"),
            D(3, "Confirmed", 2, "no recording", "too-short", "recording-disabled"),
            D(4, "Confirmed", 1, "call had no recording", "too-short"),
            D(5, "NoKnownCause", 6, "The call from the lobby has no recording"),
            D(6, "NoKnownCause", 5, "the call from the lobby has no recording "),
            D(10, "Confirmed", 3, "x", "parallel-call"),
            D(12, "Confirmed", 0, "y", "parallel-call"),
            D(20, "Possible", 7, "z"),
            D(29, "NoKnownCause", 4, "weird one"),
            D(40, "Confirmed", 0, "too old", "too-long"),
        ],
        [F(1, true), F(2, true), F(3, false), F(15, true), F(25, false)]);

    [Fact]
    public void Compute_LastSevenDays_GivesTheSeededNumbers()
    {
        var (diagnoses, feedback) = Seed();

        var week = StatsCalculator.Compute(diagnoses, feedback, Now, 7, 5);

        Assert.Equal(6, week.Diagnoses);
        Assert.Equal([("too-short", 3), ("recording-disabled", 2)], week.TopCauses);
        Assert.Equal(2 / 6.0, week.ZeroQuestionShare, 6);
        Assert.Equal(1.5, week.MedianQuestions); // 0 0 1 2 5 6
        Assert.Equal(3, week.Feedbacks);
        Assert.Equal(2 / 3.0, week.HelpfulRate, 6);
        Assert.Equal([("The call from the lobby has no recording", 2)], week.UnknownInputs);
    }

    [Fact]
    public void Compute_LastThirtyDays_IncludesOlderRecordsButNotBeyondTheWindow()
    {
        var (diagnoses, feedback) = Seed();

        var month = StatsCalculator.Compute(diagnoses, feedback, Now, 30, 5);

        Assert.Equal(10, month.Diagnoses);
        Assert.Equal([("too-short", 3), ("parallel-call", 2), ("recording-disabled", 2)], month.TopCauses);
        Assert.Equal(3 / 10.0, month.ZeroQuestionShare, 6);
        Assert.Equal(2.5, month.MedianQuestions); // 0 0 0 1 2 3 4 5 6 7
        Assert.Equal(5, month.Feedbacks);
        Assert.Equal(3 / 5.0, month.HelpfulRate, 6);
        Assert.Equal(2, month.UnknownInputs.Count);
    }

    [Fact]
    public async Task StatsCommand_FromAnAdmin_AnswersWithTheFigures()
    {
        var time = new FakeTimeProvider(Now);
        var state = MemoryStore.Open(time, MemoryCacheClock.Create(time));
        var (diagnoses, feedback) = Seed();
        foreach (var d in diagnoses) await state.Diagnoses.AddDiagnosisAsync(d, Ct);
        foreach (var f in feedback) await state.Feedback.AddFeedbackAsync(f, Ct);
        var service = TestConversations.Create(time, state: state, admins: ["slack:UADMIN"]);

        var reply = await service.HandleAsync(new Turn(ChatChannel.Slack, "k", "UADMIN", "en-US") { Text = "/norecording stats" }, Ct);

        var stats = Assert.IsType<StatsReply>(reply);
        Assert.Contains("Last 7 days: 6 diagnoses", stats.Table, StringComparison.Ordinal);
        Assert.Contains("Last 30 days: 10 diagnoses", stats.Table, StringComparison.Ordinal);
        Assert.Contains("Answered without a question: 33 %", stats.Table, StringComparison.Ordinal);
        Assert.Contains("Median number of questions: 1.5", stats.Table, StringComparison.Ordinal);
        Assert.Contains("Helpful: 67 % of 3 ratings", stats.Table, StringComparison.Ordinal);
        Assert.Contains("The call from the lobby has no recording", stats.Table, StringComparison.Ordinal);
        Assert.Matches(@"too-short\s+3\s+█+", stats.Table);
    }

    [Fact]
    public async Task StatsCommand_FromSomeoneElse_IsPolitelyRefused()
    {
        var service = TestConversations.Create(admins: ["slack:UADMIN"]);

        var reply = await service.HandleAsync(new Turn(ChatChannel.Slack, "k", "UOTHER", "es-ES") { Text = "stats" }, Ct);

        var message = Assert.IsType<MessageReply>(reply);
        Assert.Equal("Lo siento, solo los administradores pueden ver las estadísticas.", message.Text);
    }

    /// <summary>Issue 17 #2: admin ids are per channel, so a Teams user whose id is a Slack admin's is not an admin.</summary>
    [Theory]
    [InlineData(ChatChannel.Slack, "UADMIN", true)]
    [InlineData(ChatChannel.Teams, "UADMIN", false)]
    [InlineData(ChatChannel.Teams, "29:1admin", true)]
    [InlineData(ChatChannel.Slack, "29:1admin", false)]
    [InlineData(ChatChannel.Slack, "WLEGACY", true)]
    [InlineData(ChatChannel.Teams, "WLEGACY", false)]
    public async Task AdminIds_ArePerChannel(ChatChannel channel, string user, bool admin)
    {
        var service = TestConversations.Create(admins: ["slack:UADMIN", "teams:29:1admin", "WLEGACY"]);

        var reply = await service.HandleAsync(new Turn(channel, "k", user, "en-US") { Text = "stats" }, Ct);

        Assert.Equal(admin, reply is StatsReply);
    }

    [Fact]
    public void AdminIds_ThatAreNoUserId_FailAtStart_NamingTheEntry()
    {
        var errors = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        var options = new AdminOptions { AdminUserIds = ["slack:UADMIN", "U-ADMIN", "alice@example.com"] };

        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), errors, validateAllProperties: true));
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.ErrorMessage!.Contains("\"U-ADMIN\"", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.ErrorMessage!.Contains("slack:U… or teams:29:…", StringComparison.Ordinal));
    }
}
