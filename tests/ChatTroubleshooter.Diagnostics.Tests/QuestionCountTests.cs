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
    [Fact]
    public void DescriptionOnly_EveryConversation_ReachesItsDiagnosisAndReportsQuestionCounts()
    {
        var knowledge = TestKnowledge.Shipped;
        var extractor = new TextFactExtractor(knowledge);
        var counts = new List<int>();
        var failures = new List<string>();

        foreach (var conversation in TestKnowledge.ReadTestData<List<CorpusTests.Message>>("conversations.yaml"))
        {
            var facts = FactSet.From(extractor.Read(conversation.Text).Facts);
            var result = SimulatedUser.Play(knowledge.Rules, facts, conversation.Truth);
            var diagnosis = result.Diagnosis;
            var expectedKind = conversation.Kind switch
            {
                "none" => DiagnosisKind.NoKnownCause,
                "possible" => DiagnosisKind.Possible,
                _ => DiagnosisKind.Confirmed,
            };
            if (diagnosis.Kind != expectedKind || (expectedKind == DiagnosisKind.Confirmed && !result.Confirmed.SequenceEqual(conversation.Expect)))
            {
                failures.Add($"'{conversation.Text}': {diagnosis.Kind} [{string.Join(", ", result.Confirmed)}]");
            }

            counts.Add(result.Asked.Count);
            output.WriteLine($"{result.Asked.Count,2} question(s): {conversation.Text}");
        }

        var median = SimulatedUser.Median(counts);
        var summary = $"Questions before a diagnosis, description only: median {median}, max {counts.Max()} over {counts.Count} conversations.";
        output.WriteLine(summary);

        Assert.Empty(failures);
        // A regression guard on the planner: most descriptions need at most two questions.
        Assert.True(median <= 2, summary);
    }
}
