using ChatTroubleshooter.Diagnostics.Evaluation;
using ChatTroubleshooter.Diagnostics.Extraction;
using ChatTroubleshooter.Diagnostics.Facts;

namespace ChatTroubleshooter.Diagnostics.Tests;

/// <summary>
/// Measures text reading on a corpus of realistic agent messages in the 7 languages (TestData/corpus): per fact
/// and per language, precision and recall of the facts read against the facts a person reads; then plays each
/// message as a conversation with a truthful user and counts the questions. The floors are the figures
/// measured when the corpus was written, so a change that reads worse fails here.
/// </summary>
public sealed class CorpusTests(ITestOutputHelper output)
{
    /// <summary>A message and what it says (also the shape of conversations.yaml, which has no facts).</summary>
    public sealed class Message
    {
        public string Lang { get; set; } = "";

        public string Text { get; set; } = "";

        /// <summary>What a careful reader takes from the text: stated, or implied as a person would.</summary>
        public Dictionary<string, string> Facts { get; set; } = [];

        /// <summary>What the writer knows but did not write: the simulated user's answers.</summary>
        public Dictionary<string, string> Truth { get; set; } = [];

        public List<string> Expect { get; set; } = [];

        public string Kind { get; set; } = "confirmed";
    }

    public sealed class ShortMessage
    {
        public string Text { get; set; } = "";

        public string? Lang { get; set; }
    }

    private static readonly TextFactExtractor Extractor = new(TestKnowledge.Shipped);

    internal static IReadOnlyList<Message> Corpus { get; } = Directory
        .GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "corpus"), "*.yaml")
        .Where(f => Path.GetFileName(f) != "languages.yaml")
        .Order(StringComparer.Ordinal)
        .SelectMany(f => TestKnowledge.Yaml.Deserialize<List<Message>>(File.ReadAllText(f)))
        .ToList();

    private sealed class Tally
    {
        public int TruePositive { get; set; }

        public int FalsePositive { get; set; }

        public int FalseNegative { get; set; }

        public double Precision => TruePositive + FalsePositive == 0 ? 1 : (double)TruePositive / (TruePositive + FalsePositive);

        public double Recall => TruePositive + FalseNegative == 0 ? 1 : (double)TruePositive / (TruePositive + FalseNegative);

        public override string ToString() =>
            $"{Precision,6:P1} {Recall,7:P1}   ({TruePositive} right, {FalsePositive} wrong or not there, {FalseNegative} missed)";
    }

    [Fact]
    public void Corpus_IsLargeEnoughInEveryLanguage()
    {
        Assert.True(Corpus.Count >= 150, $"{Corpus.Count} messages");
        foreach (var language in Texts.Languages.Supported)
        {
            Assert.True(Corpus.Count(m => m.Lang == language) >= 15, language);
        }

        // Every annotation names a real fact with a valid value, and every message is consistent with the rules.
        foreach (var message in Corpus)
        {
            foreach (var (fact, value) in message.Facts.Concat(message.Truth))
            {
                Assert.True(TestKnowledge.Shipped.Rules.FactsById.ContainsKey(fact), $"{fact} in '{message.Text}'");
                Assert.True(FactValue.TryParse(value, out _), $"{fact}={value} in '{message.Text}'");
            }
        }
    }

    [Fact]
    public void Extraction_PrecisionAndRecall_PerFactAndLanguage()
    {
        var byFact = new SortedDictionary<string, Tally>(StringComparer.Ordinal);
        var byLanguage = new SortedDictionary<string, Tally>(StringComparer.Ordinal);
        var all = new Tally();
        var wrong = new List<string>();

        foreach (var message in Corpus)
        {
            var read = Extractor.Read(message.Text).Facts.ToDictionary(f => f.Id, f => f.Value.ToWire());
            foreach (var id in read.Keys.Union(message.Facts.Keys))
            {
                var fact = byFact.TryGetValue(id, out var f) ? f : byFact[id] = new Tally();
                var language = byLanguage.TryGetValue(message.Lang, out var l) ? l : byLanguage[message.Lang] = new Tally();
                var expected = message.Facts.GetValueOrDefault(id);
                var actual = read.GetValueOrDefault(id);
                foreach (var tally in new[] { fact, language, all })
                {
                    if (actual is not null && actual == expected) tally.TruePositive++;
                    if (actual is not null && actual != expected) tally.FalsePositive++;
                    if (expected is not null && actual != expected) tally.FalseNegative++;
                }

                if (actual is not null && actual != expected)
                {
                    wrong.Add($"[{message.Lang}] {id}={actual} (expected {expected ?? "nothing"}): {message.Text}");
                }
            }
        }

        output.WriteLine($"{"fact",-18} precision recall");
        foreach (var (id, tally) in byFact) output.WriteLine($"{id,-18} {tally}");
        output.WriteLine("");
        foreach (var (language, tally) in byLanguage) output.WriteLine($"{language,-18} {tally}");
        output.WriteLine($"{"all",-18} {all}");
        output.WriteLine("");
        output.WriteLine("Read wrongly:");
        foreach (var line in wrong) output.WriteLine("  " + line);

        // A fact read wrongly is worse than a question: precision stays near perfect.
        Assert.True(all.Precision >= 0.99, $"precision {all.Precision:P1}");
        Assert.True(all.Recall >= 0.95, $"recall {all.Recall:P1}");
        foreach (var (id, tally) in byFact)
        {
            Assert.True(tally.Precision >= 0.95, $"{id}: precision {tally.Precision:P1}");
        }

        foreach (var (language, tally) in byLanguage)
        {
            Assert.True(tally.Recall >= 0.90, $"{language}: recall {tally.Recall:P1}");
        }
    }

    [Fact]
    public void Conversations_ReachTheExpectedCauses_AskingOnlyWhatTheTextDidNotSay()
    {
        var rules = TestKnowledge.Shipped.Rules;
        var counts = new List<int>();
        var failures = new List<string>();
        int complete = 0, completeWithoutQuestion = 0, pointing = 0, pointingWithAtMostOne = 0, repeated = 0;

        foreach (var message in Corpus)
        {
            var reading = Extractor.Read(message.Text);
            var truth = message.Truth.Concat(message.Facts).ToDictionary(kv => kv.Key, kv => kv.Value);
            var result = SimulatedUser.Play(rules, FactSet.From(reading.Facts), truth, reading.Hints);
            counts.Add(result.Asked.Count);

            var expectedKind = message.Kind switch
            {
                "none" => DiagnosisKind.NoKnownCause,
                "possible" => DiagnosisKind.Possible,
                _ => DiagnosisKind.Confirmed,
            };
            if (result.Diagnosis.Kind != expectedKind || !result.Confirmed.Order().SequenceEqual(message.Expect.Order()))
            {
                failures.Add($"[{message.Lang}] {result.Diagnosis.Kind} [{string.Join(", ", result.Confirmed)}], expected [{string.Join(", ", message.Expect)}]: {message.Text}");
            }

            // Asked again what the text said: a fact a person reads from the message.
            var askedAgain = result.Asked.Where(message.Facts.ContainsKey).ToList();
            if (askedAgain.Count > 0)
            {
                repeated++;
                output.WriteLine($"  asked again {string.Join(", ", askedAgain)}: [{message.Lang}] {message.Text}");
            }

            // The text states every fact the diagnosis needs: no question at all.
            var stated = TestKnowledge.Facts(message.Facts);
            if (Diagnoser.Decide(rules, stated, new HashSet<string>()) is Diagnosis)
            {
                complete++;
                if (result.Asked.Count == 0) completeWithoutQuestion++;
            }
            else if (Evaluator.AssessAll(rules, stated).Any(a => a.Status == CauseStatus.Possible
                && a.Cause.Id is var id && message.Expect.Contains(id)
                && (a.Cause.When.FactIds().Any(stated.IsKnown) || a.Cause.When.FactIds().Any(reading.Hints.Contains))))
            {
                // The text points at the cause but leaves a fact to confirm: at most one question.
                pointing++;
                if (result.Asked.Count <= 1) pointingWithAtMostOne++;
                else output.WriteLine($"  {result.Asked.Count} questions ({string.Join(", ", result.Asked)}) for a text that points at its cause: [{message.Lang}] {message.Text}");
            }
        }

        var summary = $"{Corpus.Count} text-only conversations: median {SimulatedUser.Median(counts)} question(s), max {counts.Max()}; "
            + $"{completeWithoutQuestion} of {complete} that state every needed fact answered with no question; "
            + $"{pointingWithAtMostOne} of {pointing} that point at a cause answered with at most one; "
            + $"{repeated} asked a stated fact again.";
        output.WriteLine(summary);
        foreach (var failure in failures) output.WriteLine("  wrong: " + failure);

        Assert.Empty(failures);
        Assert.True(completeWithoutQuestion == complete && pointingWithAtMostOne == pointing && repeated == 0, summary);
    }

    [Fact]
    public void LanguageChoice_ShortMessages_IsRight()
    {
        var messages = TestKnowledge.ReadTestData<List<ShortMessage>>("corpus/languages.yaml");
        var wrong = messages.Where(m => Extractor.DetectLanguage(m.Text) != m.Lang)
            .Select(m => $"'{m.Text}': {Extractor.DetectLanguage(m.Text) ?? "null"}, expected {m.Lang ?? "null"}")
            .ToList();
        var corpusWrong = Corpus.Count(m => Extractor.DetectLanguage(m.Text) is { } l && l != m.Lang);
        var corpusUnknown = Corpus.Count(m => Extractor.DetectLanguage(m.Text) is null);

        var summary = $"Language of 1-5 word messages: {messages.Count - wrong.Count} of {messages.Count} right "
            + $"({(double)(messages.Count - wrong.Count) / messages.Count:P1}); corpus messages: {corpusWrong} wrong, {corpusUnknown} undecided of {Corpus.Count}.";
        output.WriteLine(summary);
        foreach (var line in wrong) output.WriteLine("  " + line);

        Assert.True(wrong.Count <= messages.Count / 20, summary);
        Assert.Equal(0, corpusWrong);
    }
}
