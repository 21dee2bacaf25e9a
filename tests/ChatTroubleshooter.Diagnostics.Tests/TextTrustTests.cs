using System.Text.RegularExpressions;
using ChatTroubleshooter.Diagnostics.Evaluation;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Diagnostics.Texts;

namespace ChatTroubleshooter.Diagnostics.Tests;

/// <summary>
/// Texts a customer and a native speaker can trust: a draft promises nothing the diagnosis did not establish, each
/// language keeps one form of address and one word for a thing, values inside sentences are written as the language
/// writes them, numbers and dates in the language's own format.
/// </summary>
public sealed partial class TextTrustTests
{
    private static readonly TextCatalog Texts = TestKnowledge.Shipped.Texts;
    private static readonly ReplyComposer Composer = new(TestKnowledge.Shipped);

    public static TheoryData<string> All => [.. Languages.Supported];

    public static TheoryData<string, string> EveryCauseInEveryLanguage =>
        [.. TestKnowledge.Shipped.Rules.Causes.SelectMany(c => Languages.Supported.Select(l => (c.Id, l)))];

    /// <summary>What the team did or will do, which no diagnosis establishes: a draft never says it (lower case).</summary>
    private static readonly Dictionary<string, string[]> Promises = new()
    {
        ["en"] = ["we have checked", "we have changed", "we have fixed", "we have enabled", "we have turned", "from now on", "will be recorded", "has been fixed"],
        ["es"] = ["ya hemos revisado", "hemos revisado la configuración", "a partir de ahora", "de ahora en adelante", "se grabarán", "hemos activado", "hemos cambiado", "hemos corregido"],
        ["fr"] = ["nous avons vérifié le réglage", "désormais", "à partir de maintenant", "seront enregistrés", "nous avons activé", "nous avons modifié", "nous avons corrigé"],
        ["de"] = ["haben die einstellung geprüft", "künftig", "ab sofort", "ab jetzt", "haben aktiviert", "haben geändert", "haben behoben"],
        ["it"] = ["abbiamo verificato l'impostazione", "d'ora in poi", "da adesso", "verranno registrate", "abbiamo attivato", "abbiamo modificato", "abbiamo corretto"],
        ["pt"] = ["já verificamos", "daqui em diante", "a partir de agora", "serão gravadas", "ativamos", "corrigimos", "alteramos"],
        ["nl"] = ["hebben de instelling nagekeken", "voortaan", "vanaf nu", "hebben aangezet", "hebben ingeschakeld", "hebben aangepast", "hebben opgelost"],
    };

    /// <summary>Aircall's article: the *user* (agent) places a second call; a line is not "busy" in Aircall.</summary>
    private static readonly Dictionary<string, string> SameLine = new()
    {
        ["en"] = "same line",
        ["es"] = "misma línea",
        ["fr"] = "même ligne",
        ["de"] = "dieselbe leitung",
        ["it"] = "stessa linea",
        ["pt"] = "mesma linha",
        ["nl"] = "dezelfde lijn",
    };

    [Theory]
    [MemberData(nameof(EveryCauseInEveryLanguage))]
    public void Draft_StatesOnlyWhatTheDiagnosisEstablished(string cause, string language)
    {
        var draft = Composer.Draft(Diagnosis(DiagnosisKind.Confirmed, cause), language).Text;
        var lower = draft.ToLowerInvariant();

        Assert.DoesNotContain(Promises[language], lower.Contains);
        // Only this cause's paragraphs: no other cause is stated.
        foreach (var other in TestKnowledge.Shipped.Rules.Causes.Where(c => c.Id != cause))
        {
            Assert.DoesNotContain(Texts.GetList(language, other.DraftKey)[0], draft, StringComparison.Ordinal);
        }

        if (cause == "parallel-call")
        {
            Assert.DoesNotContain(SameLine[language], lower, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Draft_WhenNothingIsConfirmed_StatesNoCauseAndPromisesNothing(string language)
    {
        var draft = Composer.Draft(Diagnosis(DiagnosisKind.Possible, "recording-disabled", "parallel-call"), language).Text;

        Assert.DoesNotContain(Promises[language], draft.ToLowerInvariant().Contains);
        Assert.All(TestKnowledge.Shipped.Rules.Causes, c => Assert.DoesNotContain(Texts.GetList(language, c.DraftKey)[0], draft, StringComparison.Ordinal));
    }

    /// <summary>Words of the other form of address (German and Dutch: formal; French: vous; Brazilian Portuguese: você).</summary>
    private static readonly Dictionary<string, Regex> OtherAddress = new()
    {
        // du, dich, dein…, and du-imperatives where a sentence or a bracket starts ("Gib", "Schreibe", "(prüfe …").
        ["de"] = DuForms(),
        ["nl"] = JeForms(),
        ["fr"] = TuForms(),
        ["pt"] = TuFormsPortuguese(),
    };

    [Theory]
    [InlineData("de")]
    [InlineData("nl")]
    [InlineData("fr")]
    [InlineData("pt")]
    public void EveryText_KeepsOneFormOfAddress(string language)
    {
        var found = Texts.All(language).Where(t => OtherAddress[language].IsMatch(t.Text)).Select(t => $"{t.Key}: {t.Text}").ToList();

        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    /// <summary>One word for one thing: German "Aufzeichnung" for a recording; Dutch "oproep" for a call and "chat" for a Slack or Teams conversation.</summary>
    [Theory]
    [InlineData("de", @"\bAufnahme")]
    [InlineData("nl", @"gesprek \{callId\}|gesprekken zonder|[Gg]esprekken:|-gesprek\b|in dit gesprek|in het gesprek|beantwoorde? gesprek|gespreksopzoeking")]
    public void EveryText_UsesTheLanguagesOneWordForAThing(string language, string other)
    {
        var found = Texts.All(language).Where(t => Regex.IsMatch(t.Text, other)).Select(t => $"{t.Key}: {t.Text}").ToList();

        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    /// <summary>Brazilian Portuguese, as the manifest and the texts promise: no European forms, no gendered thanks from the sender.</summary>
    [Fact]
    public void Portuguese_IsBrazilian()
    {
        var found = Texts.All("pt").Where(t => EuropeanPortuguese().IsMatch(t.Text)).Select(t => $"{t.Key}: {t.Text}").ToList();
        found.AddRange(Texts.All("pt").Where(t => t.Key.StartsWith("draft.", StringComparison.Ordinal) && t.Text.Contains("Obrigad", StringComparison.Ordinal))
            .Select(t => $"{t.Key} (the sender's gender): {t.Text}"));

        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    /// <summary>Phrasings a native speaker flagged as meaning something else or as ungrammatical.</summary>
    [Theory]
    [InlineData("de", "ohne erwartete Aufzeichnung")]
    [InlineData("nl", "zonder verwachte opname")]
    [InlineData("it", "risposta da {agent}")]
    [InlineData("es", "irección")]
    [InlineData("fr", "Répondus sans question")]
    [InlineData("fr", "Activez-le")]
    [InlineData("es", "pídela allí")]
    [InlineData("it", "chiedila lì")]
    [InlineData("pt", "peça-a lá")]
    [InlineData("fr", "demandez-le là")]
    [InlineData("de", "vor 4 Stunden")]
    [InlineData("fr", "avant 4 heures")]
    [InlineData("nl", "vóór 4 uur")]
    public void NoText_SaysWhatANativeSpeakerReadsAsWrong(string language, string wrong) =>
        Assert.DoesNotContain(Texts.All(language), t => t.Text.Contains(wrong, StringComparison.Ordinal));

    /// <summary>An alert names its call's direction as the language writes it: agreement, no option label with its capital mid-sentence.</summary>
    [Theory]
    [InlineData("en", "Incoming call 7", "Outgoing call 7")]
    [InlineData("es", "Llamada entrante 7", "Llamada saliente 7")]
    [InlineData("fr", "Appel entrant 7", "Appel sortant 7")]
    [InlineData("de", "Eingehender Anruf 7", "Ausgehender Anruf 7")]
    [InlineData("it", "Chiamata in entrata 7", "Chiamata in uscita 7")]
    [InlineData("pt", "Chamada recebida 7", "Chamada efetuada 7")]
    [InlineData("nl", "Inkomende oproep 7", "Uitgaande oproep 7")]
    public void Alert_WritesItsDirectionAsPartOfTheSentence(string language, string inbound, string outbound)
    {
        (string, string)[] args = [("callId", "7"), ("number", "Support"), ("agent", "Ana"), ("talk", "2 min"), ("link", "https://x")];
        var incoming = Texts.Get(language, TextKeys.NoticeAlertInbound, args);
        var outgoing = Texts.Get(language, TextKeys.NoticeAlertOutbound, args);

        Assert.StartsWith(inbound, incoming, StringComparison.Ordinal);
        Assert.StartsWith(outbound, outgoing, StringComparison.Ordinal);
        foreach (var label in new[] { "option.direction.inbound", "option.direction.outbound" }.Select(k => Texts.Get(language, k)))
        {
            Assert.DoesNotContain(" " + label, incoming, StringComparison.Ordinal);
            Assert.DoesNotContain(" " + label, outgoing, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("en", "2.5 s")]
    [InlineData("es", "2,5 s")]
    [InlineData("fr", "2,5 s")]
    [InlineData("de", "2,5 s")]
    [InlineData("it", "2,5 s")]
    [InlineData("pt", "2,5 s")]
    [InlineData("nl", "2,5 s")]
    public void Seconds_AreWrittenWithTheLanguagesDecimalSeparator(string language, string expected)
    {
        Assert.Equal(expected, TextCatalog.FormatSeconds(2.5, language));
        Assert.Equal(expected, Composer.FormatValue("talk-seconds", Facts.FactValue.Seconds(2.5), language));
        Assert.Contains(expected, Composer.FormatEvidence(Facts.Evidence.Of(TextKeys.ApiTalkSeconds,
            ("answeredAt", Facts.EvidenceValue.DateTime(0)), ("endedAt", Facts.EvidenceValue.Time(2)), ("duration", Facts.EvidenceValue.Seconds(2.5))), language), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "Europe/Paris", "6 December 2026 at 15:05 (Europe/Paris)")]
    [InlineData("es", "Europe/Madrid", "6 de diciembre de 2026 a las 15:05 (Europe/Madrid)")]
    [InlineData("fr", "Europe/Paris", "6 décembre 2026 à 15:05 (Europe/Paris)")]
    [InlineData("de", "Europe/Berlin", "6. Dezember 2026 um 15:05 (Europe/Berlin)")]
    [InlineData("it", "Europe/Rome", "6 dicembre 2026 alle 15:05 (Europe/Rome)")]
    [InlineData("pt", "America/Sao_Paulo", "6 de dezembro de 2026 às 11:05 (America/Sao_Paulo)")]
    [InlineData("nl", "Europe/Amsterdam", "6 december 2026 om 15:05 (Europe/Amsterdam)")]
    [InlineData("en", null, "6 December 2026 at 14:05 (UTC)")]
    [InlineData("en", "Not/AZone", "6 December 2026 at 14:05 (UTC)")]
    public void Moments_AreWrittenPerLanguage_InTheNumbersTimeZone_NamingIt(string language, string? zone, string expected) =>
        Assert.Equal(expected, Texts.FormatMoment(language, new DateTimeOffset(2026, 12, 6, 14, 5, 0, TimeSpan.Zero), zone));

    private static DiagnosisReply Diagnosis(DiagnosisKind kind, params string[] causes) =>
        new("en", "d1", kind, "t", null, "Call 1", [.. causes.Select(id => new ReplyCause(id,
            kind == DiagnosisKind.Confirmed ? CauseStatus.Confirmed : CauseStatus.Possible, "title", "e", ["e"], ["s"], []))],
            "c", [], "e", "s", "esc", "escalation");

    [GeneratedRegex(@"\b(du|dich|dir|dein|deine|deinen|deinem|deiner)\b|(^|[.:!?]\s+|\(\s*)(Gib|Schreibe|Schreib|Frag|Prüfe|Füge|Wähle|Sende|Probiere|gib|schreibe|frag|prüfe|füge)\b|füge mich")]
    private static partial Regex DuForms();

    [GeneratedRegex(@"\b([Jj]e|[Jj]ij|[Jj]ouw|[Jj]ouwe)\b")]
    private static partial Regex JeForms();

    [GeneratedRegex(@"\b([Tt]u|[Tt]oi|[Tt]on|[Tt]es)\b")]
    private static partial Regex TuForms();

    [GeneratedRegex(@"\b([Tt]u|[Tt]eu|[Tt]ua|[Tt]eus|[Tt]uas|[Cc]ontigo)\b")]
    private static partial Regex TuFormsPortuguese();

    [GeneratedRegex(@"[Uu]tilizador|\b(está|estão|estou|estamos) a [a-zà-ú]+r\b|\b[Aa] (auditar|cancelar|verificar|ler)\b|por omissão|[Dd]escarreg|[Pp]orque é que|\b(ecrã|equipa|ficheiro|telemóvel|registo)\b")]
    private static partial Regex EuropeanPortuguese();
}
