using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Rules;

namespace ChatTroubleshooter.Diagnostics.Evaluation;

public enum DiagnosisKind
{
    /// <summary>At least one cause is confirmed by the facts.</summary>
    Confirmed,

    /// <summary>Nothing confirmed, nothing left worth asking: the causes still possible are listed to check.</summary>
    Possible,

    /// <summary>Every cause is ruled out.</summary>
    NoKnownCause,
}

public abstract record Outcome(IReadOnlyList<CauseAssessment> Assessments);

/// <summary>The next question to ask: the unknown fact that best separates the causes still possible.</summary>
public sealed record Ask(FactDefinition Fact, IReadOnlyList<CauseAssessment> Assessments) : Outcome(Assessments);

public sealed record Diagnosis(DiagnosisKind Kind, IReadOnlyList<CauseAssessment> Assessments) : Outcome(Assessments)
{
    /// <summary>The causes to report: confirmed ones for a confirmed diagnosis, else the possible ones.</summary>
    public IEnumerable<CauseAssessment> Reported => Assessments.Where(a =>
        a.Status == (Kind == DiagnosisKind.Confirmed ? CauseStatus.Confirmed : CauseStatus.Possible));
}

/// <summary>Runs the rules over the facts and decides: diagnose now, or ask one more question.</summary>
public static class Diagnoser
{
    /// <summary>
    /// The most questions asked after a message that stated at least one fact: past that, the causes still possible are
    /// listed to check, rather than a fourth question to someone who already said what they knew.
    /// </summary>
    public const int MaxQuestionsAfterText = 3;

    /// <param name="rules">The rule set.</param>
    /// <param name="facts">What is known.</param>
    /// <param name="settled">Facts asked already (including those answered "not sure"): never asked again.</param>
    /// <param name="hints">Facts the user mentioned without stating them (see TextReading.Hints): asked first.</param>
    public static Outcome Decide(RuleSet rules, FactSet facts, IReadOnlySet<string> settled, IReadOnlySet<string>? hints = null)
    {
        var assessments = Evaluator.AssessAll(rules, facts);
        if (assessments.Any(a => a.Status == CauseStatus.Confirmed))
        {
            return new Diagnosis(DiagnosisKind.Confirmed, assessments);
        }

        if (assessments.All(a => a.Status == CauseStatus.RuledOut))
        {
            return new Diagnosis(DiagnosisKind.NoKnownCause, assessments);
        }

        var stated = settled.Count >= MaxQuestionsAfterText && facts.Any(f => f.Source == FactSource.Text);
        var next = stated ? null : QuestionPlanner.Next(rules, facts, settled, assessments, hints);
        return next is null
            ? new Diagnosis(DiagnosisKind.Possible, assessments)
            : new Ask(next, assessments);
    }
}
