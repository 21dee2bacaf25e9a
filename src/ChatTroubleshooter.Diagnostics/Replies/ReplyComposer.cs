using ChatTroubleshooter.Diagnostics.Evaluation;
using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Rules;
using ChatTroubleshooter.Diagnostics.Texts;

namespace ChatTroubleshooter.Diagnostics.Replies;

/// <summary>Turns outcomes into replies in one language, from the texts only.</summary>
public sealed class ReplyComposer(Knowledge knowledge)
{
    private TextCatalog Texts => knowledge.Texts;

    private RuleSet Rules => knowledge.Rules;

    public QuestionReply Question(FactDefinition fact, string language, string conversationId, int number) =>
        new(language,
            conversationId,
            number,
            fact.Id,
            Texts.Get(language, TextKeys.QuestionProgress, ("number", number.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            Texts.Get(language, fact.QuestionKey),
            fact.OptionsWithUnknown.Select(o => new ReplyOption(o.Value, Texts.Get(language, o.TextKey))).ToArray());

    public DiagnosisReply Diagnosis(Diagnosis diagnosis, FactSet facts, string language, string diagnosisId, string? callId)
    {
        var causes = diagnosis.Reported.Select(a => Cause(a, facts, language)).ToArray();
        var ruledOut = diagnosis.Assessments.Where(a => a.Status == CauseStatus.RuledOut).ToArray();
        var checkedLines = ruledOut
            .Select(a => Texts.Get(language, TextKeys.RuledOut,
                ("cause", Texts.Get(language, a.Cause.TitleKey)), ("reason", Reason(a, facts, language))))
            .ToArray();

        var (title, intro) = diagnosis.Kind switch
        {
            DiagnosisKind.Confirmed => (Texts.Get(language, TextKeys.DiagnosisConfirmed), (string?)null),
            DiagnosisKind.Possible => (Texts.Get(language, TextKeys.DiagnosisPossible), null),
            _ => (Texts.Get(language, TextKeys.DiagnosisNone), Texts.Get(language, TextKeys.DiagnosisNoneBody)),
        };

        return new DiagnosisReply(
            language,
            diagnosisId,
            diagnosis.Kind,
            title,
            intro,
            callId is null ? null : Texts.Get(language, TextKeys.Call, ("callId", callId)),
            causes,
            Texts.Get(language, TextKeys.Checked),
            checkedLines,
            Texts.Get(language, TextKeys.Evidence),
            Texts.Get(language, TextKeys.Steps),
            Texts.Get(language, TextKeys.EscalationTitle),
            Escalation(diagnosis, facts, language, callId))
        {
            CallId = callId,
        };
    }

    public HelpReply Help(string language) =>
        new(language,
            Texts.Get(language, TextKeys.HelpTitle),
            Texts.Get(language, TextKeys.HelpBody),
            Texts.GetList(language, TextKeys.HelpExamples));

    public MessageReply Message(string language, MessageKind kind, string key, params (string Name, string Value)[] args) =>
        new(language, kind, Texts.Get(language, key, args));

    public string Text(string language, string key, params (string Name, string Value)[] args) =>
        Texts.Get(language, key, args);

    /// <summary>A fact's value for people: an option label ("Yes", "Inbound") or a duration ("3 s", "less than 5 s").</summary>
    public string FormatValue(string factId, FactValue? value, string language)
    {
        if (value is null)
        {
            return Texts.Get(language, TextKeys.ValueUnknown);
        }

        if (value.Symbol is { } symbol)
        {
            return Rules.FactsById.TryGetValue(factId, out var fact) && fact.FindOption(symbol) is { } option
                ? Texts.Get(language, option.TextKey)
                : symbol;
        }

        return (value.Min, value.Max) switch
        {
            ({ } min, { } max) when min == max => TextCatalog.FormatSeconds(min, language),
            ({ } min, { } max) => Texts.Get(language, TextKeys.RangeBetween,
                ("min", TextCatalog.FormatSeconds(min, language)), ("max", TextCatalog.FormatSeconds(max, language))),
            (null, { } max) => Texts.Get(language, TextKeys.RangeBelow, ("value", TextCatalog.FormatSeconds(max + 1, language))),
            // "5 s or more", filled with the range's own bound: "more than 4 s" would read like a 4 s threshold.
            ({ } min, null) => Texts.Get(language, TextKeys.RangeAtLeast, ("value", TextCatalog.FormatSeconds(min, language))),
            _ => Texts.Get(language, TextKeys.ValueUnknown),
        };
    }

    /// <summary>
    /// The customer draft: a greeting, a line of thanks, one or two paragraphs per confirmed cause (or, when nothing is
    /// confirmed, that the team is still checking: a possible cause is never stated), and the closing with the agent's name.
    /// No settings paths, cause ids, evidence or call data: nothing the customer should not read.
    /// </summary>
    public DraftReply Draft(DiagnosisReply diagnosis, string language)
    {
        var paragraphs = new List<string> { Texts.Get(language, TextKeys.DraftGreeting), Texts.Get(language, TextKeys.DraftIntro) };
        var confirmed = diagnosis.Kind == DiagnosisKind.Confirmed
            ? Rules.Causes.Where(c => diagnosis.ConfirmedCauseIds.Contains(c.Id)).ToList()
            : [];
        paragraphs.AddRange(confirmed.Count > 0
            ? confirmed.SelectMany(c => Texts.GetList(language, c.DraftKey))
            : [Texts.Get(language, TextKeys.DraftPossible)]);
        paragraphs.Add(string.Join("\n", Texts.GetList(language, TextKeys.DraftClosing)));
        return new DraftReply(language, diagnosis.DiagnosisId, Texts.Get(language, TextKeys.DraftTitle), string.Join("\n\n", paragraphs));
    }

    /// <summary>An evidence sentence in a language, its values (dates, times, option labels) written for that language.</summary>
    public string FormatEvidence(Evidence evidence, string language)
    {
        if (!evidence.Args.Values.Any(v => EvidenceValue.Parse(v).Kind != EvidenceValue.Kind.Literal))
        {
            return Texts.Get(language, evidence.Key, evidence.Args);
        }

        var args = evidence.Args.ToDictionary(a => a.Key, a => FormatArg(a.Value, language), StringComparer.Ordinal);
        return Texts.Get(language, evidence.Key, args);
    }

    private string FormatArg(string arg, string language)
    {
        var (kind, value) = EvidenceValue.Parse(arg);
        switch (kind)
        {
            case EvidenceValue.Kind.DateTime or EvidenceValue.Kind.Time
                when long.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var unix):
            {
                var at = DateTimeOffset.FromUnixTimeSeconds(unix);
                var time = at.UtcDateTime.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
                return kind == EvidenceValue.Kind.Time
                    ? Texts.Get(language, TextKeys.FormatTime, ("time", time))
                    : Texts.Get(language, TextKeys.FormatDateTime, ("date", Texts.FormatDay(language, at, null)), ("time", time));
            }

            case EvidenceValue.Kind.Seconds
                when double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds):
                return TextCatalog.FormatSeconds(seconds, language);

            case EvidenceValue.Kind.Option when value.Split(':', 2) is [var factId, var symbol]:
            {
                // Inside a sentence ("call 7 is inbound"): the label without its capital.
                var label = FormatValue(factId, FactValue.Of(symbol), language);
                return label.Length == 0 ? label : char.ToLower(label[0], System.Globalization.CultureInfo.GetCultureInfo(language)) + label[1..];
            }

            default:
                return arg;
        }
    }

    private ReplyCause Cause(CauseAssessment assessment, FactSet facts, string language)
    {
        var cause = assessment.Cause;
        var factIds = cause.When.FactIds().Distinct().ToArray();
        var args = factIds.ToDictionary(id => id, id => FormatValue(id, facts[id]?.Value, language), StringComparer.Ordinal);
        var evidence = factIds
            .Select(id => facts[id])
            .OfType<Fact>()
            .Select(f => FormatEvidence(f.Evidence, language))
            .Distinct()
            .ToArray();
        var linkLocale = Texts.Get(language, TextKeys.LinkLocale);
        return new ReplyCause(
            cause.Id,
            assessment.Status,
            Texts.Get(language, cause.TitleKey),
            Texts.Get(language, cause.EvidenceKey, args),
            evidence,
            Texts.GetList(language, facts[CauseDefinition.StepsVariantFact]?.Value.Symbol is { } value && Texts.Has(language, cause.StepsKeyFor(value))
                ? cause.StepsKeyFor(value)
                : cause.StepsKey),
            cause.Links
                .Select(l => new ReplyLink(Texts.Get(language, l.TextKey), l.UrlTemplate.Replace("{locale}", linkLocale, StringComparison.Ordinal)))
                .ToArray());
    }

    private string Reason(CauseAssessment assessment, FactSet facts, string language)
    {
        var fact = assessment.Reason?.Fact;
        return fact is null
            ? Texts.Get(language, TextKeys.ValueUnknown)
            : Texts.Get(language, TextKeys.Reason,
                ("fact", Texts.Get(language, $"fact.{fact}")), ("value", FormatValue(fact, facts[fact]?.Value, language)));
    }

    /// <summary>Plain text to paste into a support ticket: every fact with its source, causes ruled out and still possible.</summary>
    public string Escalation(Outcome outcome, FactSet facts, string language, string? callId)
    {
        var lines = new List<string>
        {
            Texts.Get(language, TextKeys.EscalationTitle),
            callId is null ? Texts.Get(language, TextKeys.EscalationNoCall) : Texts.Get(language, TextKeys.EscalationCall, ("callId", callId)),
            Texts.Get(language, TextKeys.EscalationFacts),
        };

        var known = Rules.Facts.Select(f => facts[f.Id]).OfType<Fact>().ToArray();
        lines.AddRange(known.Length == 0
            ? [Texts.Get(language, TextKeys.EscalationNone)]
            : known.Select(f => Texts.Get(language, TextKeys.EscalationFact,
                ("fact", Texts.Get(language, $"fact.{f.Id}")),
                ("value", FormatValue(f.Id, f.Value, language)),
                ("source", Texts.Get(language, TextKeys.Source(f.Source))))));

        lines.Add(Texts.Get(language, TextKeys.EscalationRuledOut));
        var ruledOut = outcome.Assessments.Where(a => a.Status == CauseStatus.RuledOut).ToArray();
        lines.AddRange(ruledOut.Length == 0
            ? [Texts.Get(language, TextKeys.EscalationNone)]
            : ruledOut.Select(a => Texts.Get(language, TextKeys.EscalationRuledOutItem,
                ("cause", $"{Texts.Get(language, a.Cause.TitleKey)} [{a.Cause.Id}]"), ("reason", Reason(a, facts, language)))));

        lines.Add(Texts.Get(language, TextKeys.EscalationPossible));
        var open = outcome.Assessments.Where(a => a.Status != CauseStatus.RuledOut).ToArray();
        lines.AddRange(open.Length == 0
            ? [Texts.Get(language, TextKeys.EscalationNone)]
            : open.Select(a => Texts.Get(language, TextKeys.EscalationItem, ("cause", $"{Texts.Get(language, a.Cause.TitleKey)} [{a.Cause.Id}]"))));

        return string.Join('\n', lines);
    }
}
