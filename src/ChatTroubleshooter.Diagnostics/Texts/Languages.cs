namespace ChatTroubleshooter.Diagnostics.Texts;

public static class Languages
{
    public const string Default = "en";

    /// <summary>Every language the bot answers in; each has a texts and a lexicon file.</summary>
    public static IReadOnlyList<string> Supported { get; } = ["en", "es", "fr", "de", "it", "pt", "nl"];

    /// <summary>
    /// The language to answer in: the one the text is clearly written in, else the user's platform locale, else English.
    /// </summary>
    public static string Choose(string? detected, string? locale) => detected ?? FromLocale(locale) ?? Default;

    /// <summary>Maps a locale such as <c>es-ES</c>, <c>pt_BR</c> or <c>fr</c> to a supported language, if any.</summary>
    public static string? FromLocale(string? locale)
    {
        if (string.IsNullOrWhiteSpace(locale))
        {
            return null;
        }

        var span = locale.AsSpan().Trim();
        var cut = span.IndexOfAny('-', '_');
        var primary = (cut >= 0 ? span[..cut] : span).ToString().ToLowerInvariant();
        return Supported.Contains(primary) ? primary : null;
    }
}
