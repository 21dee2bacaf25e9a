using ChatTroubleshooter.Diagnostics.Evaluation;
using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Rules;

namespace ChatTroubleshooter.Diagnostics.Tests;

/// <summary>
/// A user who answers every question truthfully from what they know (<c>truth</c>: fact id → wire value) and
/// "not sure" to anything else; plays a conversation from the facts read from the text to the diagnosis.
/// </summary>
internal static class SimulatedUser
{
    public sealed record Result(Diagnosis Diagnosis, IReadOnlyList<string> Asked)
    {
        public IReadOnlyList<string> Confirmed { get; } =
            Diagnosis.Assessments.Where(a => a.Status == CauseStatus.Confirmed).Select(a => a.Cause.Id).ToList();
    }

    public static Result Play(RuleSet rules, FactSet facts, IReadOnlyDictionary<string, string> truth, IReadOnlySet<string>? hints = null)
    {
        var settled = new HashSet<string>();
        var asked = new List<string>();
        Outcome outcome;
        while ((outcome = Diagnoser.Decide(rules, facts, settled, hints)) is Ask ask)
        {
            asked.Add(ask.Fact.Id);
            settled.Add(ask.Fact.Id);
            if (truth.TryGetValue(ask.Fact.Id, out var value))
            {
                facts = facts.Merge(new Fact(ask.Fact.Id, AnswerFor(ask.Fact, value), FactSource.Answer, Evidence.Of("evidence.text", ("quote", value))));
            }

            Assert.True(asked.Count <= rules.Facts.Count, "The conversation asks without end.");
        }

        return new Result((Diagnosis)outcome, asked);
    }

    /// <summary>The option a truthful user picks: for seconds, the one whose range holds the true value.</summary>
    public static FactValue AnswerFor(FactDefinition fact, string truth)
    {
        var value = FactValue.TryParse(truth, out var v) ? v : throw new ArgumentException(truth);
        if (fact.Type != FactType.Seconds)
        {
            return value;
        }

        return fact.Options.Select(o => o.Fact!)
            .First(r => (r.Min ?? double.MinValue) <= (value.Min ?? 0) && (value.Max ?? double.MaxValue) <= (r.Max ?? double.MaxValue));
    }

    public static double Median(IReadOnlyList<int> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2.0;
    }
}
