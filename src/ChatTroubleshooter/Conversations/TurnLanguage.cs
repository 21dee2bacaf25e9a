using ChatTroubleshooter.Diagnostics.Extraction;
using ChatTroubleshooter.Diagnostics.Texts;

namespace ChatTroubleshooter.Conversations;

/// <summary>The language a turn is answered in, decided in one place for the core and the features.</summary>
public sealed class TurnLanguage(TextFactExtractor extractor)
{
    /// <summary>A forced language, else the text's when it is clear, else the platform's locale, else English.</summary>
    public string For(Turn turn, string? text) =>
        turn.ForcedLanguage is { } forced && Languages.Supported.Contains(forced) ? forced : extractor.ChooseLanguage(text, turn.Locale);

    /// <summary>A small-talk reply's language: the platform's locale when it is one of those the words belong to, else the first.</summary>
    public static string ForSmallTalk(Turn turn, IReadOnlyList<string>? candidates) =>
        Languages.FromLocale(turn.Locale) is { } locale && (candidates is null || candidates.Contains(locale)) ? locale
        : candidates is [var only] ? only
        : Languages.FromLocale(turn.Locale) ?? candidates?.FirstOrDefault() ?? Languages.Default;
}
