using ChatTroubleshooter.Diagnostics.Evaluation;
using ChatTroubleshooter.Diagnostics.Facts;

namespace ChatTroubleshooter.Diagnostics.Tests;

public sealed class QuestionPlannerTests
{
    private static readonly Rules.RuleSet Rules = TestKnowledge.Shipped.Rules;

    [Fact]
    public void Decide_AfterAMessageThatStatedAFact_AsksAtMostThreeQuestions_ThenListsWhatIsStillPossible()
    {
        var said = TestKnowledge.Facts(new Dictionary<string, string> { ["direction"] = "inbound" }, FactSource.Text);
        var settled = new HashSet<string>();
        Outcome outcome;
        while ((outcome = Diagnoser.Decide(Rules, said, settled)) is Ask ask)
        {
            settled.Add(ask.Fact.Id); // "not sure" to everything
        }

        Assert.Equal(Diagnoser.MaxQuestionsAfterText, settled.Count);
        Assert.Equal(DiagnosisKind.Possible, Assert.IsType<Diagnosis>(outcome).Kind);
    }

    [Fact]
    public void Decide_WithNothingStated_KeepsAskingWhileAQuestionCanDecide()
    {
        var settled = new HashSet<string>();
        while (Diagnoser.Decide(Rules, FactSet.From([]), settled) is Ask ask)
        {
            settled.Add(ask.Fact.Id);
        }

        Assert.True(settled.Count > Diagnoser.MaxQuestionsAfterText, string.Join(", ", settled));
    }

    [Fact]
    public void Next_AfterAnsweredYes_AsksTheConversationLength()
    {
        var facts = TestKnowledge.Facts(new Dictionary<string, string> { ["answered"] = "yes" });

        var next = QuestionPlanner.Next(Rules, facts, new HashSet<string> { "answered" }, Evaluator.AssessAll(Rules, facts));

        Assert.Equal("talk-seconds", next?.Id);
    }

    [Fact]
    public void Next_AfterAnsweredNo_OnlyAsksAboutCausesStillPossible()
    {
        var facts = TestKnowledge.Facts(new Dictionary<string, string> { ["answered"] = "no" });
        var settled = new HashSet<string> { "answered" };
        var asked = new List<string>();

        // Answer "not sure" to everything and collect what gets asked.
        while (QuestionPlanner.Next(Rules, facts, settled, Evaluator.AssessAll(Rules, facts)) is { } next)
        {
            asked.Add(next.Id);
            settled.Add(next.Id);
        }

        // Only the unanswered-call causes and the deleted number remain; nothing about an answered call is asked.
        Assert.DoesNotContain("talk-seconds", asked);
        Assert.DoesNotContain("recording-enabled", asked);
        Assert.DoesNotContain("paused", asked);
        Assert.DoesNotContain("parallel-second", asked);
        Assert.Contains("voicemail", asked);
        Assert.Equal(asked.Count, asked.Distinct().Count());
    }

    [Fact]
    public void Next_NeverAsksAFactThatCannotChangeTheOutcome()
    {
        // Direction appears in no cause's conditions: it is never worth a question.
        var facts = FactSet.Empty;
        var settled = new HashSet<string>();
        while (QuestionPlanner.Next(Rules, facts, settled, Evaluator.AssessAll(Rules, facts)) is { } next)
        {
            Assert.NotEqual("direction", next.Id);
            settled.Add(next.Id);
        }
    }

    [Fact]
    public void Next_NeverAsksAKnownOrSettledFact()
    {
        var facts = TestKnowledge.Facts(new Dictionary<string, string> { ["answered"] = "yes", ["link-visible"] = "yes" });
        var settled = new HashSet<string> { "talk-seconds" };

        var next = QuestionPlanner.Next(Rules, facts, settled, Evaluator.AssessAll(Rules, facts));

        Assert.NotNull(next);
        Assert.DoesNotContain(next.Id, new[] { "answered", "link-visible", "talk-seconds" });
    }

    [Fact]
    public void Decide_EverythingAnsweredNotSure_EndsWithPossibleCausesNotNoKnownCause()
    {
        var settled = Rules.Facts.Select(f => f.Id).ToHashSet();

        var outcome = Diagnoser.Decide(Rules, FactSet.Empty, settled);

        var diagnosis = Assert.IsType<Diagnosis>(outcome);
        Assert.Equal(DiagnosisKind.Possible, diagnosis.Kind);
        Assert.Equal(Rules.Causes.Count, diagnosis.Reported.Count());
    }
}
