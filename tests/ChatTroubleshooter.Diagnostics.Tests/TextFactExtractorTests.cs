using ChatTroubleshooter.Diagnostics.Extraction;

namespace ChatTroubleshooter.Diagnostics.Tests;

public sealed class TextFactExtractorTests
{
    private static readonly TextFactExtractor Extractor = new(TestKnowledge.Shipped);

    private static Dictionary<string, string> Read(string text, string? language = null) =>
        Extractor.Read(text, language).Facts.ToDictionary(f => f.Id, f => f.Value.ToWire());

    /// <summary>Words that name a cue's thing in another sense: no fact from them (a wrong fact costs more than a question).</summary>
    [Theory]
    [InlineData("es", "estoy de baja y la llamada no tiene grabación", "number-exists")]
    [InlineData("es", "el enlace ya no existe, la llamada se contestó", "number-exists")]
    [InlineData("es", "la llamada estuvo en pausa dos minutos", "paused")]
    [InlineData("it", "il numero è stato sospeso, la chiamata ha avuto risposta", "paused")]
    public void Read_AWordInAnotherSense_GivesNoFact(string language, string text, string fact) =>
        Assert.False(Read(text, language).ContainsKey(fact), text);

    [Theory]
    [InlineData("1234567", "1234567")]
    [InlineData("why no recording on 3331525701?", "3331525701")]
    [InlineData("https://dashboard.aircall.io/calls/1234567", "1234567")]
    [InlineData("see https://dashboard.aircall.io/calls/1234567/timeline please", "1234567")]
    [InlineData("https://assets.aircall.io/calls/1234567/recording", "1234567")]
    [InlineData("https://assets.aircall.io/recording/7654321", "7654321")]
    [InlineData("https://api.aircall.io/v1/calls/1234567", "1234567")]
    [InlineData("call 812 from the docs", null)]
    [InlineData("the customer +33 1 76 11 11 11 called", null)]
    [InlineData("customer number 0612345678", null)]
    [InlineData("+14155552671 called us", null)]
    public void FindCallId_Text_FindsTheIdAndNotPhoneNumbers(string text, string? expected) =>
        Assert.Equal(expected, CallReference.FindCallId(text));

    [Fact]
    public void Read_Sid_IsFlaggedSoTheBotCanAskForTheNumericId()
    {
        var reading = Extractor.Read("call CA0123456789abcdef0123456789abcdef has no recording");

        Assert.True(reading.HasSid);
        Assert.Null(reading.CallId);
    }

    [Theory]
    [InlineData("we talked for 3 seconds", "en", "3")]
    [InlineData("the call lasted 3 s", "en", "3")]
    [InlineData("the call lasted 3s", "en", "3")]
    [InlineData("a 2 min call", "en", "120")]
    [InlineData("it lasted 2 min 30", "en", "150")]
    [InlineData("it lasted 4h30", "en", "16200")]
    [InlineData("four and a half hours", "en", "16200")]
    [InlineData("4 hours and a half", "en", "16200")]
    [InlineData("more than 4 hours", "en", "14401..")]
    [InlineData("less than 5 seconds", "en", "..4")]
    [InlineData("hablamos 3 segundos", "es", "3")]
    [InlineData("la llamada duró 4 horas y media", "es", "16200")]
    [InlineData("más de 4 horas", "es", "14401..")]
    [InlineData("l'appel a duré 3 secondes", "fr", "3")]
    [InlineData("4 heures et demie", "fr", "16200")]
    [InlineData("das Gespräch dauerte 3 Sekunden", "de", "3")]
    [InlineData("zwei Minuten", "de", "120")]
    [InlineData("abbiamo parlato 3 secondi", "it", "3")]
    [InlineData("4 ore e mezza", "it", "16200")]
    [InlineData("falámos 3 segundos", "pt", "3")]
    [InlineData("4 horas e meia", "pt", "16200")]
    [InlineData("we hebben 3 seconden gesproken", "nl", "3")]
    [InlineData("meer dan 4 uur", "nl", "14401..")]
    public void Read_Duration_IsTalkSeconds(string text, string language, string expected) =>
        Assert.Equal(expected, Read(text, language)["talk-seconds"]);

    [Theory]
    [InlineData("the caller left a voicemail of 3 seconds", "en")]
    [InlineData("dejó un mensaje de voz de 3 segundos", "es")]
    [InlineData("un message vocal de 3 secondes", "fr")]
    [InlineData("eine Voicemail von 3 Sekunden", "de")]
    [InlineData("un messaggio vocale di 3 secondi", "it")]
    [InlineData("uma mensagem de voz de 3 segundos", "pt")]
    [InlineData("een voicemail van 3 seconden", "nl")]
    public void Read_DurationNearVoicemail_IsVoicemailSeconds(string text, string language)
    {
        var facts = Read(text, language);

        Assert.Equal("3", facts["voicemail-seconds"]);
        Assert.Equal("yes", facts["voicemail"]);
        Assert.False(facts.ContainsKey("talk-seconds"));
    }

    [Theory]
    [InlineData("the call was not answered", "en", "answered", "no")]
    [InlineData("the call WAS answered", "en", "answered", "yes")]
    [InlineData("nobody answered the call", "en", "answered", "no")]
    [InlineData("the agent never really answered it", "en", "answered", "no")]
    [InlineData("no, the call was answered", "en", "answered", "yes")]
    [InlineData("the agent did not pause the recording", "en", "paused", "no")]
    [InlineData("the agent paused the recording", "en", "paused", "yes")]
    [InlineData("there was no voicemail", "en", "voicemail", "no")]
    [InlineData("it was a parallel call", "en", "parallel-second", "yes")]
    [InlineData("the recording link does not open", "en", "link-visible", "yes")]
    [InlineData("we deleted the number last week", "en", "number-exists", "no")]
    [InlineData("recording is disabled on that line", "en", "recording-enabled", "no")]
    [InlineData("la llamada no fue contestada", "es", "answered", "no")]
    [InlineData("la llamada fue contestada", "es", "answered", "yes")]
    [InlineData("nadie contestó", "es", "answered", "no")]
    [InlineData("eliminamos el número", "es", "number-exists", "no")]
    [InlineData("il n'a pas décroché", "fr", "answered", "no")]
    [InlineData("l'appel n'a pas été décroché", "fr", "answered", "no")]
    [InlineData("l'appel a été décroché", "fr", "answered", "yes")]
    [InlineData("c'était un appel parallèle", "fr", "parallel-second", "yes")]
    [InlineData("der Anruf wurde nicht angenommen", "de", "answered", "no")]
    [InlineData("der Anruf wurde angenommen", "de", "answered", "yes")]
    [InlineData("die Nummer wurde gelöscht", "de", "number-exists", "no")]
    [InlineData("nessuno ha risposto", "it", "answered", "no")]
    [InlineData("l'agente ha messo in pausa la registrazione", "it", "paused", "yes")]
    [InlineData("ninguém atendeu", "pt", "answered", "no")]
    [InlineData("a chamada foi atendida", "pt", "answered", "yes")]
    [InlineData("het gesprek werd niet aangenomen", "nl", "answered", "no")]
    [InlineData("het nummer is verwijderd", "nl", "number-exists", "no")]
    public void Read_Cue_GivesFactWithNegationHandled(string text, string language, string fact, string expected) =>
        Assert.Equal(expected, Read(text, language)[fact]);

    [Fact]
    public void Read_FactFromText_QuotesTheWordsItCameFrom()
    {
        var fact = Extractor.Read("Hi! Nobody answered the call yesterday.", "en").Facts.Single(f => f.Id == "answered");

        Assert.Equal(Facts.FactSource.Text, fact.Source);
        Assert.Equal("Nobody answered the call yesterday", fact.Evidence.Args["quote"]);
    }

    [Fact]
    public void Read_FactFromALoneWordCue_QuotesItsPhrase_NotTheWordAlone()
    {
        var fact = Extractor.Read("Keine Aufnahme, obwohl wir 3 Sekunden gesprochen haben.", "de").Facts.Single(f => f.Id == "answered");

        Assert.Equal("obwohl wir 3 Sekunden gesprochen haben", fact.Evidence.Args["quote"]);
    }

    [Fact]
    public void Read_ContradictoryText_LeavesTheFactUnknown()
    {
        var reading = Extractor.Read("the call was answered. the call was not answered.", "en");

        Assert.DoesNotContain(reading.Facts, f => f.Id == "answered");
        Assert.Contains("answered", reading.Contradicted);
    }

    [Fact]
    public void Read_CallIdDigits_AreNotADuration()
    {
        var facts = Read("call 1234567 s", "en");

        Assert.False(facts.ContainsKey("talk-seconds"));
    }

    [Theory]
    [InlineData("yes", "en", "yes")]
    [InlineData("Nope", "en", "no")]
    [InlineData("not sure", "en", "unknown")]
    [InlineData("sí", "es", "yes")]
    [InlineData("je ne sais pas", "fr", "unknown")]
    [InlineData("Nein.", "de", "no")]
    [InlineData("the call was answered", "en", null)]
    public void ReadYesNoUnknown_TypedAnswer_IsRecognised(string text, string language, string? expected) =>
        Assert.Equal(expected, Extractor.ReadYesNoUnknown(text, language));

    [Theory]
    [InlineData("help", true)]
    [InlineData("  ", true)]
    [InlineData("Ayuda", true)]
    [InlineData("hilfe", true)]
    [InlineData("help me, the call has no recording", false)]
    [InlineData("1234567", false)]
    public void IsHelpRequest_Text_IsRecognised(string text, bool expected) =>
        Assert.Equal(expected, Extractor.IsHelpRequest(text));

    [Theory]
    [InlineData("duration 0:00:03 in the log", "en", "3")]
    [InlineData("the call lasted 1:02:05", "en", "3725")]
    [InlineData("it lasted 3:05", "en", "185")]
    [InlineData("talked two or three seconds", "en", "2..3")]
    [InlineData("talked 2-3 s", "en", "2..3")]
    [InlineData("we talked twenty five seconds", "en", "25")]
    [InlineData("talked at most 4 s", "en", "..4")]
    [InlineData("at least 4 hours", "en", "14400..")]
    [InlineData("well over four hours", "en", "14401..")]
    [InlineData("half an hour", "en", "1800")]
    [InlineData("la llamada duró 4 horas (4h exactas)", "es", "14400")]
    [InlineData("une demi-heure", "fr", "1800")]
    [InlineData("drei Sekunden", "de", "3")]
    [InlineData("mezz'ora", "it", "1800")]
    [InlineData("meia hora", "pt", "1800")]
    [InlineData("een half uur", "nl", "1800")]
    [InlineData("talked 3 s... sorry, 30 s", "en", "30")]
    [InlineData("hablamos 3 seg... perdón, 30 seg", "es", "30")]
    public void Read_DurationAsPeopleWriteIt_IsRead(string text, string language, string expected) =>
        Assert.Equal(expected, Read(text, language)["talk-seconds"]);

    [Theory]
    [InlineData("Sent: Tuesday 10:32")]
    [InlineData("the call at 10:30 has no recording")]
    [InlineData("talked 3 s, then 30 s")]
    public void Read_TimeOfDayOrTwoDurationsWithoutCorrection_IsNoTalkTime(string text) =>
        Assert.False(Read(text, "en").ContainsKey("talk-seconds"));

    [Theory]
    [InlineData("recording's turned off on that line", "en", "recording-enabled", "no")]
    [InlineData("the recording was not turned off", "en", "recording-enabled", "yes")]
    [InlineData("no recording because rec was off", "en", "recording-enabled", "no")]
    [InlineData("no recording on 3331525701", "en", "recording-enabled", null)]
    [InlineData("I did not pause it", "en", "paused", "no")]
    [InlineData("la grabación estaba desactivada", "es", "recording-enabled", "no")]
    [InlineData("grab. desactivada", "es", "recording-enabled", "no")]
    [InlineData("l'enregistrement n'était pas activé", "fr", "recording-enabled", "no")]
    [InlineData("keine Aufnahme, weil die Aufnahme für diese Nummer deaktiviert war", "de", "recording-enabled", "no")]
    [InlineData("l'ho messa in pausa", "it", "paused", "yes")]
    [InlineData("não pausei", "pt", "paused", "no")]
    [InlineData("niet gepauzeerd", "nl", "paused", "no")]
    public void Read_WordsBetweenTensesAndNegation_AreRead(string text, string language, string fact, string? expected) =>
        Assert.Equal(expected, Read(text, language).GetValueOrDefault(fact));

    [Theory]
    [InlineData("she paused it", "en", "answered", "yes")]
    [InlineData("she paused it", "en", "pause-allowed", "yes")]
    [InlineData("the customer left a voicemail", "en", "answered", "no")]
    [InlineData("it was the second of two parallel calls", "en", "answered", "yes")]
    [InlineData("a voicemail was left, it lasted 3 s", "en", "voicemail-seconds", "3")]
    [InlineData("the customer left a voicemail. It lasted 3 s", "en", "voicemail-seconds", "3")]
    [InlineData("she paused it but the call was never answered", "en", "answered", "no")]
    public void Read_WhatAPersonConcludes_IsAddedWhereTheTextIsSilent(string text, string language, string fact, string expected) =>
        Assert.Equal(expected, Read(text, language)[fact]);

    [Theory]
    [InlineData(":no_entry: recording is off <@U123ABC> see https://dashboard.aircall.io/calls/1234567", "recording-enabled", "no")]
    [InlineData("CALL WAS NEVER ANSWERED AND NO VOICEMAIL", "answered", "no")]
    public void Read_SlackMarkupCapitalsAndLinks_DoNotGetInTheWay(string text, string fact, string expected) =>
        Assert.Equal(expected, Read(text, "en")[fact]);

    [Fact]
    public void Read_ArbitraryText_NeverThrows()
    {
        // Pieces the tokenizer treats specially (clocks, decimals, links, markup, shortcodes, elisions, dots),
        // glued at random: every language's reader must take any of it.
        string[] pieces =
        [
            "1", "0", ":", "::", "12:", ":05", "1:02:05", "99:99", "4.5", "4,", ".", "...", "…", "-", "–", "'", "’s", "l'", "n't",
            "<", ">", "<@U1", "<http://x|y>", ":sob:", ":", "http://", "https://a.b/c?d=1", "www.", "@", "a@b.c", "grab.", " ",
            "\n", "(", ")", "no", "recording", "rec", "...", "off", "sorry", "voicemail", "3 s", "two or three", "half an hour",
            "ß", "É", "\u0301", "😅", "\u0000", "|", "*", "twenty", "five", "at most", "or", "2-3",
        ];
        var random = new Random(24);
        for (var n = 0; n < 5000; n++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Length)]));
            foreach (var language in new string?[] { null, "en", "es", "fr", "de", "it", "pt", "nl" })
            {
                var reading = Extractor.Read(text, language);
                Assert.All(reading.Facts, f => Assert.False(string.IsNullOrEmpty(f.Evidence.Args["quote"]), text));
            }

            Extractor.DetectLanguage(text);
            Extractor.IsHelpRequest(text);
        }
    }
}
