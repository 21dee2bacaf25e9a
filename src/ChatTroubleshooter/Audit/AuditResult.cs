using System.Globalization;
using ChatTroubleshooter.Diagnostics.Texts;

namespace ChatTroubleshooter.Audit;

/// <summary>What an audit found, in the user's language: the title, the sentence that answers the question, the counts.</summary>
internal sealed record AuditResult(string Title, IReadOnlyList<string> Lines, string Sentence)
{
    /// <summary>The sentence's run must cover at least this many calls to say "since" (fewer is not a trend).</summary>
    public const int MinRun = 3;

    public static string TitleOf(AuditWork work, TextCatalog texts)
    {
        var language = work.Language;
        var name = work.State.SubjectName ?? work.Request.Subject.Given;
        var (subject, period) = Describe(work.Request, name, texts, language);
        return texts.Get(language, TextKeys.AuditTitle, ("subject", subject), ("period", period));
    }

    /// <summary>What an audit is about ("number Support") and over when ("last 7 days", "since 1 November 2026"), in <paramref name="language"/>.</summary>
    public static (string Subject, string Period) Describe(AuditRequest request, string name, TextCatalog texts, string language)
    {
        var subject = texts.Get(language, request.Subject is NumberSubject ? TextKeys.AuditSubjectNumber : TextKeys.AuditSubjectUser, ("name", name));
        // The period starts on the day the user typed: written as a day of the language, at midnight UTC where it begins.
        var since = request.Since is null ? "" : texts.FormatDay(language, DateTimeOffset.FromUnixTimeSeconds(request.From), null);
        return (subject, texts.Get(language, request.PeriodKey, ("date", since)));
    }

    public static AuditResult From(AuditWork work, TextCatalog texts)
    {
        var s = work.State;
        var language = work.Language;
        string Say(string key, params (string, string)[] args) => texts.Get(language, key, args);
        string N(int n) => n.ToString(CultureInfo.InvariantCulture);

        var top = s.Causes.FirstOrDefault();
        var sentence = s.Missing == 0
            ? Say(TextKeys.AuditSentenceNone)
            : work.Request.Subject is NumberSubject && top?.Cause == "recording-disabled" && s.MissingRun >= MinRun && s.MissingRunSince is { } since
                ? Say(TextKeys.AuditSentenceOffSince, ("date", texts.FormatDay(language, DateTimeOffset.FromUnixTimeSeconds(since), s.TimeZone)),
                    ("count", N(s.MissingRun)), ("total", N(s.MissingRun)))
                : Say(TextKeys.AuditSentenceMixed, ("missing", N(s.Missing)), ("total", N(s.ExpectedWith)),
                    ("cause", top is null ? "—" : texts.Get(language, $"cause.{top.Cause}.title")));

        var lines = new List<string>
        {
            sentence,
            Say(TextKeys.AuditTotals, ("calls", N(s.Scanned)), ("healthy", N(s.Healthy)), ("expected", N(s.ExpectedWithout)), ("missing", N(s.Missing))),
        };
        lines.AddRange(s.Causes.Select(c => Say(TextKeys.AuditCause, ("cause", texts.Get(language, $"cause.{c.Cause}.title")), ("confirmed", N(c.Confirmed)), ("possible", N(c.Possible)))));
        if (s is { FirstAffected: { } first, LastAffected: { } last })
        {
            lines.Add(Say(TextKeys.AuditFirstLast, ("first", Moment(first)), ("last", Moment(last))));
            string Moment(AuditRow row) =>
                $"{texts.FormatMoment(language, DateTimeOffset.FromUnixTimeSeconds(row.StartedAt), s.TimeZone)} (#{row.CallId})";
            lines.Add(Say(work.Request.Subject is NumberSubject ? TextKeys.AuditTopAgents : TextKeys.AuditTopNumbers, ("list", Top(work.Request.Subject is NumberSubject ? s.Agents : s.Numbers))));
        }

        return new AuditResult(TitleOf(work, texts), lines, sentence);
    }

    private static string Top(IReadOnlyDictionary<string, int> counts) =>
        string.Join(", ", counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Take(3)
            .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} ({c.Value})")));

}
