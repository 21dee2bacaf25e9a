using System.Text.RegularExpressions;
using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Diagnostics.Texts;

namespace ChatTroubleshooter.Diagnostics.Tests;

/// <summary>The texts read as a native support agent of each language would write them.</summary>
public sealed partial class TextWordingTests
{
    private static readonly TextCatalog Texts = TestKnowledge.Shipped.Texts;
    private static readonly ReplyComposer Composer = new(TestKnowledge.Shipped);

    public static TheoryData<string> NonEnglish => [.. Languages.Supported.Where(l => l != "en")];

    public static TheoryData<string> All => [.. Languages.Supported];

    /// <summary>English words that have no place in another language's text (loanwords such as link, app or feedback are not here).</summary>
    private static readonly string[] EnglishWords =
    [
        "the", "and", "with", "without", "your", "you", "please", "call", "calls", "recording", "recordings", "number", "numbers",
        "settings", "inbound", "outbound", "incoming", "outgoing", "answered", "user", "users", "allow", "tab",
        "nothing", "broken", "still", "stuck", "solved", "ratings", "feedbacks", "switch",
    ];

    /// <summary>
    /// Aircall's English dashboard labels, written in brackets after the translation where no localized label is known
    /// (it, pt, nl), so an agent finds them in an English dashboard.
    /// </summary>
    private static readonly string[] EnglishLabels = ["(Call recording)", "(Numbers)", "(Settings)", "(Allow the user to start and pause recording)"];

    /// <summary>"Dashboard" is Aircall's product label where no translation of it is known; French and Spanish have theirs.</summary>
    private static readonly string[] DashboardTranslated = ["fr", "es"];

    [Theory]
    [MemberData(nameof(NonEnglish))]
    public void NonEnglishTexts_HaveNoEnglishWords_ExceptAircallsOwnLabels(string language)
    {
        var found = new List<string>();
        foreach (var (key, text) in Texts.All(language))
        {
            // A date format, and help examples that are commands (typed as they are, in every language).
            if (key is TextKeys.FormatDate || (key is TextKeys.HelpExamples && text.StartsWith("audit ", StringComparison.Ordinal)))
            {
                continue;
            }

            var plain = Placeholder().Replace(Url().Replace(text, " "), " ");
            plain = EnglishLabels.Aggregate(plain, (t, label) => t.Replace(label, " ", StringComparison.Ordinal));
            plain = Technical().Replace(plain, " ");
            var words = Word().Matches(plain).Select(m => m.Value.ToLowerInvariant()).ToHashSet();
            found.AddRange(EnglishWords.Where(words.Contains).Select(w => $"{key}: '{w}' in \"{text}\""));
            if (DashboardTranslated.Contains(language) && words.Contains("dashboard"))
            {
                found.Add($"{key}: 'Dashboard' (Aircall's {language} label is translated) in \"{text}\"");
            }
        }

        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    [Theory]
    [MemberData(nameof(All))]
    public void EveryQuestion_FitsIn80Characters(string language)
    {
        var tooLong = Texts.All(language).Where(t => t.Key.StartsWith("question.", StringComparison.Ordinal) && t.Text.Length > 80)
            .Select(t => $"{t.Key} ({t.Text.Length}): {t.Text}").ToList();

        Assert.True(tooLong.Count == 0, string.Join("\n", tooLong));
    }

    [Theory]
    [InlineData("en", "5 s or more")]
    [InlineData("es", "5 s o más")]
    [InlineData("fr", "5 s ou plus")]
    [InlineData("de", "5 s oder mehr")]
    [InlineData("it", "5 s o più")]
    [InlineData("pt", "5 s ou mais")]
    [InlineData("nl", "5 s of meer")]
    public void OpenRange_IsShownWithItsOwnBound_NotTheSecondBelowIt(string language, string expected)
    {
        Assert.Equal(expected, Composer.FormatValue("voicemail-seconds", FactValue.Between(5, null), language));
        Assert.DoesNotContain("4", Composer.FormatValue("voicemail-seconds", FactValue.Between(5, null), language), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "Aircall: call 7 is inbound.", "was answered on 23 May 2026 at 09:00:10 UTC.")]
    [InlineData("es", "Aircall: la llamada 7 es entrante.", "se contestó el 23 de mayo de 2026 a las 09:00:10 (UTC).")]
    [InlineData("fr", "Aircall : l'appel 7 est entrant.", "a été décroché le 23 mai 2026 à 09:00:10 (UTC).")]
    [InlineData("de", "Aircall: Anruf 7 ist eingehend.", "wurde am 23. Mai 2026 um 09:00:10 (UTC) angenommen.")]
    [InlineData("it", "Aircall: la chiamata 7 è in entrata.", "ha ricevuto risposta il 23 maggio 2026 alle 09:00:10 (UTC).")]
    [InlineData("pt", "Aircall: a chamada 7 é recebida.", "foi atendida em 23 de maio de 2026 às 09:00:10 (UTC).")]
    [InlineData("nl", "Aircall: oproep 7 is inkomend.", "is op 23 mei 2026 om 09:00:10 (UTC) aangenomen.")]
    public void CallData_IsWrittenInTheLanguage_DirectionAsItsOptionAndTimesWithDateAndZone(string language, string direction, string answered)
    {
        var at = new DateTimeOffset(2026, 5, 23, 9, 0, 10, TimeSpan.Zero).ToUnixTimeSeconds();

        Assert.Equal(direction, Composer.FormatEvidence(Evidence.Of(TextKeys.ApiDirection, ("callId", "7"), ("direction", EvidenceValue.Option("direction", "inbound"))), language));
        Assert.EndsWith(answered, Composer.FormatEvidence(Evidence.Of(TextKeys.ApiAnswered, ("callId", "7"), ("answeredAt", EvidenceValue.DateTime(at))), language), StringComparison.Ordinal);
        Assert.Contains("09:00:13", Composer.FormatEvidence(Evidence.Of(TextKeys.ApiTalkSeconds,
            ("answeredAt", EvidenceValue.DateTime(at)), ("endedAt", EvidenceValue.Time(at + 3)), ("duration", "3 s")), language), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(All))]
    public void HelpLinkText_FitsOnAButton(string language) =>
        Assert.InRange(Texts.Get(language, "link.article").Length, 1, 45);

    [Fact]
    public void EvidenceStoredBeforeTypedValues_IsShownAsItWas() =>
        Assert.Equal("Aircall: call 7 was answered 2026-05-23 09:00:10 UTC.",
            Composer.FormatEvidence(Evidence.Of(TextKeys.ApiAnswered, ("callId", "7"), ("answeredAt", "2026-05-23 09:00:10 UTC")), "en"));

    [GeneratedRegex(@"\{[a-zA-Z-]+\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex Url();

    /// <summary>API field and setting names quoted as they are spelled, and commands to type as they are (in backticks).</summary>
    [GeneratedRegex(@"answered_at|Aircall__\w+|`[^`]*`")]
    private static partial Regex Technical();

    [GeneratedRegex(@"\p{L}+")]
    private static partial Regex Word();
}
