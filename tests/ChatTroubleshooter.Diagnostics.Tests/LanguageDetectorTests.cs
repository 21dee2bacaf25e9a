using ChatTroubleshooter.Diagnostics.Extraction;
using ChatTroubleshooter.Diagnostics.Texts;

namespace ChatTroubleshooter.Diagnostics.Tests;

public sealed class LanguageDetectorTests
{
    private static readonly TextFactExtractor Extractor = new(TestKnowledge.Shipped);

    [Theory]
    [InlineData("The call from yesterday has no recording, why?", "en")]
    [InlineData("La llamada de ayer no tiene grabación, ¿por qué?", "es")]
    [InlineData("L'appel d'hier n'a pas d'enregistrement, pourquoi ?", "fr")]
    [InlineData("Der Anruf von gestern hat keine Aufnahme, warum?", "de")]
    [InlineData("La chiamata di ieri non ha la registrazione, perché?", "it")]
    [InlineData("A chamada de ontem não tem gravação, porquê?", "pt")]
    [InlineData("Het gesprek van gisteren heeft geen opname, waarom?", "nl")]
    [InlineData("El cliente llamó, hablamos 3 segundos y no hay grabación", "es")]
    [InlineData("O cliente ligou, falámos 3 segundos e não há gravação", "pt")]
    [InlineData("O utilizador desligou o telemóvel e a chamada ficou sem gravação", "pt")]
    [InlineData("O usuário desligou o celular e a ligação ficou sem gravação", "pt")]
    [InlineData("Il cliente ha chiamato, abbiamo parlato 3 secondi e non c'è registrazione", "it")]
    [InlineData("De klant belde, we hebben 3 seconden gesproken en er is geen opname", "nl")]
    public void DetectLanguage_ClearText_IsRecognised(string text, string expected) =>
        Assert.Equal(expected, Extractor.DetectLanguage(text));

    [Theory]
    [InlineData("no recording", "en")]
    [InlineData("grabación desactivada", "es")]
    [InlineData("keine Aufnahme", "de")]
    [InlineData("geen opname", "nl")]
    [InlineData("recording missing https://dashboard.aircall.io/calls/1234567", "en")]
    [InlineData("falta a gravação https://dashboard.aircall.io/calls/1234567", "pt")]
    public void DetectLanguage_ShortTextWithAWordOnlyOneLanguageHas_IsRecognised(string text, string expected) =>
        Assert.Equal(expected, Extractor.DetectLanguage(text));

    [Theory]
    [InlineData("1234567")]
    [InlineData("https://dashboard.aircall.io/calls/1234567")]
    [InlineData("https://assets.aircall.io/calls/1234567/recording")]
    [InlineData("+33 1 76 11 11 11")]
    [InlineData("ok merci")]
    [InlineData("la pausé")]
    public void DetectLanguage_ShortOrUnclearText_IsNull(string text) =>
        Assert.Null(Extractor.DetectLanguage(text));

    [Theory]
    [InlineData("es-ES", "es")]
    [InlineData("pt_BR", "pt")]
    [InlineData("FR", "fr")]
    [InlineData("ja-JP", null)]
    [InlineData(null, null)]
    public void FromLocale_Locale_MapsToSupportedLanguage(string? locale, string? expected) =>
        Assert.Equal(expected, Languages.FromLocale(locale));
}
