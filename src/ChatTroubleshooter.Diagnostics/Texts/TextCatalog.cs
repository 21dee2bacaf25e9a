using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ChatTroubleshooter.Diagnostics.Texts;

/// <summary>All user-facing texts, per language, keyed; a text is one string or a list of strings.</summary>
public sealed partial class TextCatalog
{
    private readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, TextEntry>> _languages;

    internal TextCatalog(IReadOnlyDictionary<string, IReadOnlyDictionary<string, TextEntry>> languages) =>
        _languages = languages;

    public bool Has(string language, string key) =>
        _languages.TryGetValue(language, out var texts) && texts.ContainsKey(key);

    /// <summary>The text for <paramref name="key"/> with its <c>{name}</c> placeholders filled.</summary>
    public string Get(string language, string key, IReadOnlyDictionary<string, string>? args = null) =>
        Fill(Entry(language, key).Single, args);

    public string Get(string language, string key, params (string Name, string Value)[] args) =>
        Get(language, key, args.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal));

    public IReadOnlyList<string> GetList(string language, string key) => Entry(language, key).Items;

    /// <summary>Every text of a language as written in its file (placeholders unfilled; a list gives each item), by key.</summary>
    public IEnumerable<(string Key, string Text)> All(string language) =>
        _languages.TryGetValue(language, out var texts)
            ? texts.OrderBy(t => t.Key, StringComparer.Ordinal).SelectMany(t => t.Value.Items.Select(item => (t.Key, item)))
            : [];

    private TextEntry Entry(string language, string key)
    {
        if (_languages.TryGetValue(language, out var texts) && texts.TryGetValue(key, out var entry))
        {
            return entry;
        }

        // The loader guarantees every key in every language; English is only a last resort.
        if (_languages.TryGetValue(Languages.Default, out var fallback) && fallback.TryGetValue(key, out entry))
        {
            return entry;
        }

        throw new KeyNotFoundException($"No text '{key}' for language '{language}'.");
    }

    /// <summary>Fills placeholders in one pass; argument values are inserted literally, never re-scanned.</summary>
    public static string Fill(string template, IReadOnlyDictionary<string, string>? args)
    {
        if (args is null || args.Count == 0 || !template.Contains('{', StringComparison.Ordinal))
        {
            return template;
        }

        var result = new StringBuilder(template.Length + 32);
        var last = 0;
        foreach (Match m in PlaceholderRegex().Matches(template))
        {
            result.Append(template, last, m.Index - last);
            result.Append(args.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);
            last = m.Index + m.Length;
        }

        result.Append(template, last, template.Length - last);
        return result.ToString();
    }

    internal static IReadOnlySet<string> Placeholders(string template) =>
        PlaceholderRegex().Matches(template).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Formats seconds for people in <paramref name="language"/>: <c>3 s</c>, <c>2.5 s</c> (<c>2,5 s</c> in the languages
    /// that write a decimal comma), <c>2 min 5 s</c>, <c>4 h 30 min</c>.
    /// </summary>
    public static string FormatSeconds(double seconds, string language)
    {
        if (seconds < 60)
        {
            return $"{seconds.ToString("0.#", Culture(language))} s";
        }

        var total = (long)Math.Round(seconds);
        var h = total / 3600;
        var m = total % 3600 / 60;
        var s = total % 60;
        var parts = new List<string>(3);
        if (h > 0) parts.Add($"{h} h");
        if (m > 0) parts.Add($"{m} min");
        if (s > 0) parts.Add($"{s} s");
        return string.Join(' ', parts);
    }

    /// <summary>
    /// A moment for people, in <paramref name="language"/> and the time zone <paramref name="timeZone"/> (an IANA id such
    /// as Aircall's <c>time_zone</c>; UTC when none or unknown), naming the zone: "6 December 2026 at 15:05 (Europe/Paris)".
    /// </summary>
    public string FormatMoment(string language, DateTimeOffset at, string? timeZone)
    {
        var (local, zone) = InZone(at, timeZone);
        return Get(language, TextKeys.FormatMoment,
            ("date", local.ToString(Get(language, TextKeys.FormatDate), Culture(language))),
            ("time", local.ToString("HH:mm", CultureInfo.InvariantCulture)),
            ("zone", zone));
    }

    /// <summary>A day for people, in <paramref name="language"/>, as the time zone <paramref name="timeZone"/> counts days.</summary>
    public string FormatDay(string language, DateTimeOffset at, string? timeZone) =>
        InZone(at, timeZone).Local.ToString(Get(language, TextKeys.FormatDate), Culture(language));

    private static (DateTime Local, string Zone) InZone(DateTimeOffset at, string? timeZone)
    {
        if (!string.IsNullOrWhiteSpace(timeZone) && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone))
        {
            return (TimeZoneInfo.ConvertTime(at, zone).DateTime, timeZone);
        }

        return (at.UtcDateTime, "UTC");
    }

    private static CultureInfo Culture(string language) => CultureInfo.GetCultureInfo(language);

    [GeneratedRegex(@"\{([a-zA-Z][a-zA-Z0-9-]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderRegex();
}

internal sealed record TextEntry(IReadOnlyList<string> Items, bool IsList)
{
    public string Single => IsList ? string.Join(Environment.NewLine, Items) : Items[0];
}
