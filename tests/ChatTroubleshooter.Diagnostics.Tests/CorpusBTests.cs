using ChatTroubleshooter.Diagnostics.Evaluation;
using ChatTroubleshooter.Diagnostics.Extraction;
using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Texts;

namespace ChatTroubleshooter.Diagnostics.Tests;

/// <summary>
/// Corpus B (TestData/corpus-b): 70 descriptions written outside the team, in 7 languages, with the oracle's answers.
/// Each case is played as the bot plays it: the language chosen from the text and the user's locale, the text read in
/// that language, then every question answered by the oracle. What counts is what a user sees: the causes confirmed
/// (none forbidden), the language of the reply, and how many questions it took against what a good reader needs.
/// </summary>
public sealed class CorpusBTests(ITestOutputHelper output)
{
    public sealed class Case
    {
        public string Name { get; set; } = "";

        public string Lang { get; set; } = "";

        public string Locale { get; set; } = "";

        public string Text { get; set; } = "";

        public List<string> Expect { get; set; } = [];

        public List<string> Forbid { get; set; } = [];

        [YamlDotNet.Serialization.YamlMember(Alias = "max_questions", ApplyNamingConventions = false)]
        public int MaxQuestions { get; set; }

        public Dictionary<string, string> Truth { get; set; } = [];
    }

    private static readonly TextFactExtractor Extractor = new(TestKnowledge.Shipped);

    internal static IReadOnlyList<Case> Cases { get; } =
        TestKnowledge.ReadTestData<List<Case>>("corpus-b/corpus-b.yaml");

    internal sealed record Played(Case Case, string Language, SimulatedUser.Result Result, IReadOnlyList<Fact> Read);

    internal static Played Play(Case c)
    {
        var language = Extractor.ChooseLanguage(c.Text, c.Locale);
        var reading = Extractor.Read(c.Text, language);
        var result = SimulatedUser.Play(TestKnowledge.Shipped.Rules, FactSet.From(reading.Facts), c.Truth, reading.Hints);
        return new Played(c, language, result, reading.Facts);
    }

    [Fact]
    public void CorpusB_IsWhatWasCopied()
    {
        Assert.Equal(70, Cases.Count);
        foreach (var language in Languages.Supported)
        {
            Assert.Contains(Cases, c => c.Lang == language);
        }
    }

    [Fact]
    public void CorpusB_EveryCase_RightCausesInTheRightLanguage_NoForbiddenCause_FewQuestions()
    {
        var wrongCause = new List<string>();
        var wrongLanguage = new List<string>();
        var forbidden = new List<string>();
        var overBudget = new List<string>();
        var counts = new List<int>();

        foreach (var played in Cases.Select(Play))
        {
            var (c, language, result, read) = (played.Case, played.Language, played.Result, played.Read);
            counts.Add(result.Asked.Count);
            var line = $"{c.Name}: [{string.Join(", ", result.Confirmed)}] asked {result.Asked.Count} ({string.Join(", ", result.Asked)}), "
                + $"read {string.Join(" ", read.Select(f => $"{f.Id}={f.Value.ToWire()}"))}: {c.Text}";
            if (!result.Confirmed.Order().SequenceEqual(c.Expect.Order())) wrongCause.Add(line);
            if (language != c.Lang) wrongLanguage.Add($"{c.Name}: {language}, expected {c.Lang}: {c.Text}");
            if (result.Confirmed.Intersect(c.Forbid).Any()) forbidden.Add(line);
            if (result.Asked.Count > c.MaxQuestions) overBudget.Add($"{c.MaxQuestions} allowed, " + line);
        }

        var summary = $"Corpus B, {Cases.Count} cases: {Cases.Count - wrongCause.Count} right causes, {wrongLanguage.Count} wrong language, "
            + $"{forbidden.Count} forbidden cause confirmed, {overBudget.Count} over their question budget; questions: "
            + $"median {SimulatedUser.Median(counts)}, mean {counts.Average():0.00}, max {counts.Max()}, total {counts.Sum()}.";
        output.WriteLine(summary);
        foreach (var line in wrongCause) output.WriteLine("  wrong cause: " + line);
        foreach (var line in wrongLanguage) output.WriteLine("  wrong language: " + line);
        foreach (var line in forbidden) output.WriteLine("  forbidden: " + line);
        foreach (var line in overBudget) output.WriteLine("  over budget: " + line);

        Assert.True(wrongCause.Count == 0 && wrongLanguage.Count == 0 && forbidden.Count == 0 && overBudget.Count <= 3, summary);
    }
}
