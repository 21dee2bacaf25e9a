namespace ChatTroubleshooter.Diagnostics.Facts;

/// <summary>Where a fact came from. Stronger sources win when two disagree.</summary>
public enum FactSource
{
    /// <summary>Read from the user's free text.</summary>
    Text = 1,

    /// <summary>The user's answer to a question.</summary>
    Answer = 2,

    /// <summary>Read from the Aircall API.</summary>
    Api = 3,
}

/// <summary>
/// Why we believe a fact: a text key (e.g. <c>evidence.text</c>) and literal arguments for its placeholders,
/// rendered in the conversation's language when a reply is built.
/// </summary>
public sealed record Evidence(string Key, IReadOnlyDictionary<string, string> Args)
{
    public static Evidence Of(string key, params (string Name, string Value)[] args) =>
        new(key, args.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal));
}

public sealed record Fact(string Id, FactValue Value, FactSource Source, Evidence Evidence);

/// <summary>
/// Evidence arguments that are values, not text: stored language-neutral and written for people in the reply's
/// language (a date and time with its time zone, a time of day, an option's label). Any other argument is literal.
/// </summary>
public static class EvidenceValue
{
    private const string DateTimePrefix = "datetime:";
    private const string TimePrefix = "time:";
    private const string OptionPrefix = "option:";
    private const string SecondsPrefix = "seconds:";

    /// <summary>A moment shown with its date, e.g. "on 23 May 2026 at 09:00:10 UTC".</summary>
    public static string DateTime(long unixSeconds) => DateTimePrefix + unixSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A moment shown as a time of day, e.g. "09:00:13 UTC" (beside a full date).</summary>
    public static string Time(long unixSeconds) => TimePrefix + unixSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A duration, written for the reply's language ("2.5 s", "2,5 s", "3 min 5 s").</summary>
    public static string Seconds(double seconds) => SecondsPrefix + seconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A fact's option, shown with its label in the reply's language (e.g. "inbound", "entrante").</summary>
    public static string Option(string factId, string value) => $"{OptionPrefix}{factId}:{value}";

    internal enum Kind
    {
        Literal,
        DateTime,
        Time,
        Option,
        Seconds,
    }

    internal static (Kind Kind, string Value) Parse(string arg) =>
        arg.StartsWith(DateTimePrefix, StringComparison.Ordinal) ? (Kind.DateTime, arg[DateTimePrefix.Length..])
        : arg.StartsWith(TimePrefix, StringComparison.Ordinal) ? (Kind.Time, arg[TimePrefix.Length..])
        : arg.StartsWith(OptionPrefix, StringComparison.Ordinal) ? (Kind.Option, arg[OptionPrefix.Length..])
        : arg.StartsWith(SecondsPrefix, StringComparison.Ordinal) ? (Kind.Seconds, arg[SecondsPrefix.Length..])
        : (Kind.Literal, arg);
}
