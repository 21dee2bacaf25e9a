using System.Text.RegularExpressions;
using ChatTroubleshooter.Diagnostics.Evaluation;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Diagnostics.Texts;

namespace ChatTroubleshooter.Diagnostics.Tests;

/// <summary>The text an agent sends the customer: courteous, in the customer's language, nothing internal.</summary>
public sealed partial class DraftTests
{
    private static readonly ReplyComposer Composer = new(TestKnowledge.Shipped);

    public static TheoryData<string, string> EveryCauseInEveryLanguage =>
        [.. TestKnowledge.Shipped.Rules.Causes.SelectMany(c => Languages.Supported.Select(l => (c.Id, l)))];

    private static DiagnosisReply Diagnosis(DiagnosisKind kind, params string[] causes) =>
        new("en", "d1", kind, "t", null, "Call 1000001",
            [.. causes.Select(id => new ReplyCause(id, kind == DiagnosisKind.Confirmed ? CauseStatus.Confirmed : CauseStatus.Possible,
                "title", "+33 6 12 34 56 78", ["evidence +33 6 12 34 56 78"], ["Dashboard > Numbers"], []))],
            "c", [], "e", "s", "esc", "escalation");

    [Theory]
    [MemberData(nameof(EveryCauseInEveryLanguage))]
    public void Draft_ForEveryCause_InEveryLanguage_LeavesOnlyTheNamesToFill(string cause, string language)
    {
        var draft = Composer.Draft(Diagnosis(DiagnosisKind.Confirmed, cause), language);

        Assert.Equal(language, draft.Language);
        Assert.Equal([DraftPlaceholders.CustomerName, DraftPlaceholders.AgentName], Placeholder().Matches(draft.Text).Select(m => m.Value));
        Assert.DoesNotContain(cause, draft.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("+33", draft.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(">", draft.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Dashboard", draft.Text, StringComparison.Ordinal);
        Assert.Contains(string.Join("\n", TestKnowledge.Shipped.Texts.GetList(language, $"draft.{cause}")).Split('\n')[0], draft.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void SeveralConfirmedCauses_MakeOneDraftCoveringAll()
    {
        var draft = Composer.Draft(Diagnosis(DiagnosisKind.Confirmed, "recording-disabled", "too-short"), "en");

        Assert.Contains("not active on this line", draft.Text, StringComparison.Ordinal);
        Assert.Contains("less than 5 seconds", draft.Text, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(draft.Text, "Hello"));
    }

    [Fact]
    public void PossibleCauses_AreNotStated_TheTeamIsStillChecking()
    {
        var draft = Composer.Draft(Diagnosis(DiagnosisKind.Possible, "recording-paused", "parallel-call"), "en");

        Assert.Contains("still checking", draft.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("paused", draft.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("another call", draft.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("number-deleted", "cannot be recovered")]
    [InlineData("too-short", "never recorded")]
    [InlineData("call-not-answered", "never recorded")]
    public void Draft_SaysPlainlyWhatCannotBeHad(string cause, string said) =>
        Assert.Contains(said, Composer.Draft(Diagnosis(DiagnosisKind.Confirmed, cause), "en").Text, StringComparison.Ordinal);

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Placeholder();
}
