using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace ChatTroubleshooter.Audit;

/// <summary>What an audit is about, as the user gave it: a number (id or digits) or a user (id or email).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(NumberSubject), "number")]
[JsonDerivedType(typeof(UserSubject), "user")]
public abstract record AuditSubject(string Given);

public sealed record NumberSubject(string Given) : AuditSubject(Given);

public sealed record UserSubject(string Given) : AuditSubject(Given);

/// <summary>An audit asked for: its subject and period (UNIX seconds, <paramref name="From"/> included), and the period as a text key.</summary>
public sealed record AuditRequest(AuditSubject Subject, long From, long To, string PeriodKey, string? Since);

/// <summary>A command read: the audit to run, or why not (a text key and its arguments).</summary>
public sealed record AuditParse(AuditRequest? Request, string? ErrorKey, IReadOnlyList<KeyValuePair<string, string>> Args);

/// <summary>
/// <c>audit number &lt;id | digits&gt; [24h | 7d | 30d | since YYYY-MM-DD]</c> and <c>audit user &lt;id | email&gt; […]</c>
/// (7 days by default, at most 90).
/// </summary>
public static partial class AuditCommand
{
    public const int MaxDays = 90;

    /// <summary>Whether <paramref name="text"/> asks for an audit (well formed or not).</summary>
    public static bool IsAudit(string text) => Word().IsMatch(text);

    public static AuditParse Parse(string text, DateTimeOffset now)
    {
        if (Command().Match(text.Trim()) is not { Success: true } match)
        {
            return Error(Diagnostics.Texts.TextKeys.AuditErrorUsage);
        }

        var given = match.Groups[2].Value;
        AuditSubject subject = match.Groups[1].Value.Equals("number", StringComparison.OrdinalIgnoreCase) ? new NumberSubject(given) : new UserSubject(given);
        var to = now.ToUnixTimeSeconds();
        var period = match.Groups[3].Value.ToLowerInvariant();
        switch (period)
        {
            case "" or "7d":
                return Ok(subject, to - 7 * 86400, to, Diagnostics.Texts.TextKeys.AuditPeriod7d, null);
            case "24h":
                return Ok(subject, to - 86400, to, Diagnostics.Texts.TextKeys.AuditPeriod24h, null);
            case "30d":
                return Ok(subject, to - 30 * 86400, to, Diagnostics.Texts.TextKeys.AuditPeriod30d, null);
        }

        var date = match.Groups[4].Value;
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return Error(Diagnostics.Texts.TextKeys.AuditErrorUsage);
        }

        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        if (from > now)
        {
            return Error(Diagnostics.Texts.TextKeys.AuditErrorFuture, ("date", date));
        }

        return now - from > TimeSpan.FromDays(MaxDays)
            ? Error(Diagnostics.Texts.TextKeys.AuditErrorTooLong, ("date", date), ("days", MaxDays.ToString(CultureInfo.InvariantCulture)))
            : Ok(subject, from.ToUnixTimeSeconds(), to, Diagnostics.Texts.TextKeys.AuditPeriodSince, date);
    }

    private static AuditParse Ok(AuditSubject subject, long from, long to, string periodKey, string? since) =>
        new(new AuditRequest(subject, from, to, periodKey, since), null, []);

    private static AuditParse Error(string key, params (string Name, string Value)[] args) =>
        new(null, key, [.. args.Select(a => KeyValuePair.Create(a.Name, a.Value))]);

    [GeneratedRegex(@"^\s*audit\b", RegexOptions.IgnoreCase)]
    private static partial Regex Word();

    [GeneratedRegex(@"^audit\s+(number|user)\s+(\S{1,100})(?:\s+(24h|7d|30d|since\s+(\S+)))?$", RegexOptions.IgnoreCase)]
    private static partial Regex Command();
}
