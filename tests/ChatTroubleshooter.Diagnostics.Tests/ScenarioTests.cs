using ChatTroubleshooter.Diagnostics.Evaluation;

namespace ChatTroubleshooter.Diagnostics.Tests;

public sealed class ScenarioTests
{
    public sealed class Scenario
    {
        public string Name { get; set; } = "";

        public Dictionary<string, string> Facts { get; set; } = [];

        public List<string> Expect { get; set; } = [];

        public string Kind { get; set; } = "confirmed";

        public List<string> Possible { get; set; } = [];

        public override string ToString() => Name;
    }

    public static TheoryData<string> ScenarioNames() =>
        new(TestKnowledge.ReadTestData<List<Scenario>>("scenarios.yaml").Select(s => s.Name));

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void Decide_Scenario_GivesExpectedDiagnosis(string name)
    {
        var scenario = TestKnowledge.ReadTestData<List<Scenario>>("scenarios.yaml").Single(s => s.Name == name);
        var facts = TestKnowledge.Facts(scenario.Facts);

        // Every fact not in the scenario counts as asked and answered "not sure", so the rules alone decide.
        var settled = TestKnowledge.Shipped.Rules.Facts.Select(f => f.Id).ToHashSet();
        var outcome = Diagnoser.Decide(TestKnowledge.Shipped.Rules, facts, settled);

        var diagnosis = Assert.IsType<Diagnosis>(outcome);
        var expectedKind = scenario.Kind switch
        {
            "none" => DiagnosisKind.NoKnownCause,
            "possible" => DiagnosisKind.Possible,
            _ => DiagnosisKind.Confirmed,
        };
        Assert.Equal(expectedKind, diagnosis.Kind);
        var reported = diagnosis.Reported.Select(a => a.Cause.Id).ToArray();
        Assert.Equal(expectedKind == DiagnosisKind.Possible ? scenario.Possible : scenario.Expect, reported);
    }

    [Fact]
    public void Decide_NothingKnown_AsksWhetherTheCallWasAnswered()
    {
        var outcome = Diagnoser.Decide(TestKnowledge.Shipped.Rules, Facts.FactSet.Empty, new HashSet<string>());

        var ask = Assert.IsType<Ask>(outcome);
        Assert.Equal("answered", ask.Fact.Id);
    }

    [Fact]
    public void Assess_RuledOutCause_NamesTheConditionThatFailed()
    {
        var facts = TestKnowledge.Facts(new Dictionary<string, string> { ["answered"] = "yes", ["talk-seconds"] = "60" });

        var tooShort = Evaluator.AssessAll(TestKnowledge.Shipped.Rules, facts).Single(a => a.Cause.Id == "too-short");

        Assert.Equal(CauseStatus.RuledOut, tooShort.Status);
        Assert.Equal("talk-seconds", tooShort.Reason?.Fact);
    }
}
