using ChatTroubleshooter.Diagnostics.Evaluation;
using ChatTroubleshooter.Diagnostics.Extraction;
using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Rules;

namespace ChatTroubleshooter.Diagnostics.Tests;

/// <summary>
/// Plays description-only conversations: the text, then a simulated user who answers every question truthfully.
/// Reports how many questions it took (median and max) and checks each ends in the right diagnosis.
/// </summary>
public sealed class QuestionCountTests(ITestOutputHelper output)
{
    public sealed class Conversation
    {
        public string Text { get; set; } = "";

        public Dictionary<string, string> Truth { get; set; } = [];

        public List<string> Expect { get; set; } = [];

        public string Kind { get; set; } = "confirmed";
    }

    [Fact]
    public void DescriptionOnly_EveryConversation_ReachesItsDiagnosisAndReportsQuestionCounts()
    {
        var knowledge = TestKnowledge.Shipped;
        var extractor = new TextFactExtractor(knowledge);
        var counts = new List<int>();
        var failures = new List<string>();

        foreach (var conversation in TestKnowledge.ReadTestData<List<Conversation>>("conversations.yaml"))
        {
            var facts = FactSet.From(extractor.Read(conversation.Text).Facts);
            var settled = new HashSet<string>();
            var questions = 0;
            Outcome outcome;
            while ((outcome = Diagnoser.Decide(knowledge.Rules, facts, settled)) is Ask ask)
            {
                questions++;
                settled.Add(ask.Fact.Id);
                if (conversation.Truth.TryGetValue(ask.Fact.Id, out var truth))
                {
                    var value = AnswerFor(ask.Fact, truth);
                    facts = facts.Merge(new Fact(ask.Fact.Id, value, FactSource.Answer, Evidence.Of("evidence.text", ("quote", truth))));
                }

                Assert.True(questions <= knowledge.Rules.Facts.Count, $"'{conversation.Text}' asks without end.");
            }

            var diagnosis = (Diagnosis)outcome;
            var expectedKind = conversation.Kind switch
            {
                "none" => DiagnosisKind.NoKnownCause,
                "possible" => DiagnosisKind.Possible,
                _ => DiagnosisKind.Confirmed,
            };
            var confirmed = diagnosis.Assessments.Where(a => a.Status == CauseStatus.Confirmed).Select(a => a.Cause.Id).ToList();
            if (diagnosis.Kind != expectedKind || (expectedKind == DiagnosisKind.Confirmed && !confirmed.SequenceEqual(conversation.Expect)))
            {
                failures.Add($"'{conversation.Text}': {diagnosis.Kind} [{string.Join(", ", confirmed)}]");
            }

            counts.Add(questions);
            output.WriteLine($"{questions,2} question(s): {conversation.Text}");
        }

        counts.Sort();
        var median = counts.Count % 2 == 1 ? counts[counts.Count / 2] : (counts[counts.Count / 2 - 1] + counts[counts.Count / 2]) / 2.0;
        var summary = $"Questions before a diagnosis, description only: median {median}, max {counts[^1]} over {counts.Count} conversations.";
        output.WriteLine(summary);

        Assert.Empty(failures);
        // A regression guard on the planner: most descriptions need at most two questions.
        Assert.True(median <= 2, summary);
    }

    /// <summary>The option a truthful user picks: the one whose range holds the true number of seconds.</summary>
    private static FactValue AnswerFor(FactDefinition fact, string truth)
    {
        var value = FactValue.TryParse(truth, out var v) ? v : throw new ArgumentException(truth);
        if (fact.Type != FactType.Seconds)
        {
            return value;
        }

        var option = fact.Options.Select(o => o.Fact)
            .First(r => r is not null && (r.Min ?? double.MinValue) <= value.Min && value.Min <= (r.Max ?? double.MaxValue));
        return option!;
    }
}
