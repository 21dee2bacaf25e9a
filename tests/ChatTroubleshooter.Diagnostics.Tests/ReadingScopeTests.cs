using ChatTroubleshooter.Diagnostics.Evaluation;
using ChatTroubleshooter.Diagnostics.Extraction;
using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Texts;

namespace ChatTroubleshooter.Diagnostics.Tests;

/// <summary>
/// A wrong confirmation costs more than a question: a cause named by words that are negated, asked, guessed or
/// corrected is never confirmed from the text (TestData/scope.yaml: each class in each language). The same words said
/// plainly do confirm it, so each case tests the scope, not a missing word.
/// </summary>
public sealed class ReadingScopeTests
{
    public sealed class Case
    {
        public string Lang { get; set; } = "";

        public string Class { get; set; } = "";

        public string Forbid { get; set; } = "";

        public string Text { get; set; } = "";

        public override string ToString() => $"[{Lang} {Class}] {Text}";
    }

    private static readonly TextFactExtractor Extractor = new(TestKnowledge.Shipped);

    private static readonly IReadOnlyList<Case> Cases = TestKnowledge.ReadTestData<List<Case>>("scope.yaml");

    public static TheoryData<string, string> Classes() =>
        [.. Languages.Supported.SelectMany(l => new[] { "negated", "questioned", "hedged", "corrected" }.Select(c => (l, c)))];

    private static IReadOnlyList<string> Confirmed(string text, string language)
    {
        var reading = Extractor.Read(text, language);
        return Diagnoser.Decide(TestKnowledge.Shipped.Rules, FactSet.From(reading.Facts), new HashSet<string>(), reading.Hints)
            .Assessments.Where(a => a.Status == CauseStatus.Confirmed).Select(a => a.Cause.Id).ToList();
    }

    [Theory]
    [MemberData(nameof(Classes))]
    public void Read_ACauseNegatedQuestionedHedgedOrCorrected_IsNeverConfirmed(string language, string kind)
    {
        var cases = Cases.Where(c => c.Lang == language && c.Class == kind).ToList();
        Assert.True(cases.Count >= 2, $"{language} {kind}: {cases.Count} cases");

        foreach (var c in cases)
        {
            Assert.True(!Confirmed(c.Text, c.Lang).Contains(c.Forbid), $"{c.Forbid} confirmed by {c}");
        }
    }

    [Theory]
    [InlineData("en", "she paused the recording", "recording-paused")]
    [InlineData("en", "the client picked up, recording is off on that number", "recording-disabled")]
    [InlineData("en", "we talked 3 seconds", "too-short")]
    [InlineData("es", "el agente pausó la grabación", "recording-paused")]
    [InlineData("es", "el cliente contestó; la grabación está desactivada", "recording-disabled")]
    [InlineData("fr", "il a mis en pause l'enregistrement", "recording-paused")]
    [InlineData("fr", "le client a décroché, l'enregistrement est désactivé", "recording-disabled")]
    [InlineData("de", "sie hat die Aufnahme pausiert", "recording-paused")]
    [InlineData("de", "Kunde hat abgenommen, die Aufnahme ist deaktiviert", "recording-disabled")]
    [InlineData("it", "ha messo in pausa la registrazione", "recording-paused")]
    [InlineData("it", "il cliente ha risposto, la registrazione è disattivata", "recording-disabled")]
    [InlineData("pt", "ela pausou a gravação", "recording-paused")]
    [InlineData("pt", "o cliente atendeu, a gravação está desativada", "recording-disabled")]
    [InlineData("nl", "ze heeft de opname gepauzeerd", "recording-paused")]
    [InlineData("nl", "de klant nam op, de opname is uitgeschakeld", "recording-disabled")]
    public void Read_TheSameCauseSaidPlainly_IsConfirmed(string language, string text, string cause) =>
        Assert.Contains(cause, Confirmed(text, language));

    [Theory]
    [InlineData("en", "maybe recording was off? the agent answered", "recording-enabled")]
    [InlineData("de", "War die Aufnahme pausiert? Der Kunde hat abgenommen.", "paused")]
    [InlineData("fr", "je crois que l'enregistrement est désactivé", "recording-enabled")]
    public void Read_AGuessOrAQuestion_IsAHint_AskedFirst(string language, string text, string fact)
    {
        var reading = Extractor.Read(text, language);

        Assert.DoesNotContain(reading.Facts, f => f.Id == fact);
        Assert.Contains(fact, reading.Hints);
        var ask = Assert.IsType<Ask>(Diagnoser.Decide(TestKnowledge.Shipped.Rules, FactSet.From(reading.Facts), new HashSet<string>(), reading.Hints));
        Assert.Equal(fact, ask.Fact.Id);
    }
}
