using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Rules;

namespace ChatTroubleshooter.Diagnostics.Evaluation;

/// <summary>
/// Picks the question that best separates the causes still possible.
/// <para>
/// Candidates are the unknown, not yet asked facts that a possible cause's conditions mention. For each
/// candidate, every answer option (not "not sure") is tried as if the user had picked it, and the causes still
/// possible are re-assessed. A candidate whose options all leave every cause as it is cannot change the outcome
/// and is never asked. The score is the expected number of possible causes an answer decides (confirms or rules
/// out), averaged over the options as if each were equally likely; an option that confirms a cause counts one
/// extra, since it ends the conversation. Highest score wins; ties go to the fact mentioned by the
/// highest-priority possible cause, then to the order of facts in the rules file.
/// </para>
/// <para>
/// When the facts point at some causes more than others (a still-possible cause with more of its conditions
/// already true than the rest, e.g. "the recording link won't open" for <c>number-deleted</c>), candidates are
/// first the facts of those causes: the question asked is the one that confirms or rules out what the user
/// is pointing at, not the one that splits all causes best on average.
/// </para>
/// </summary>
public static class QuestionPlanner
{
    public static FactDefinition? Next(
        RuleSet rules, FactSet facts, IReadOnlySet<string> settled, IReadOnlyList<CauseAssessment> assessments,
        IReadOnlySet<string>? hints = null)
    {
        var possible = assessments.Where(a => a.Status == CauseStatus.Possible).Select(a => a.Cause).ToArray();
        // "Maybe recording was off?": what the user wondered about is asked first, when an answer can decide something.
        if (hints is { Count: > 0 } && Best(rules, facts, settled, possible, null, hints) is { } hinted)
        {
            return hinted;
        }

        var pointed = PointedAt(possible, facts);
        if (pointed.Count > 0 && Best(rules, facts, settled, possible, pointed) is { } focused)
        {
            return focused;
        }

        return Best(rules, facts, settled, possible, null);
    }

    /// <summary>
    /// The possible causes with the most conditions already true, when that is at least one and they are not all
    /// of the possible causes (then nothing stands out).
    /// </summary>
    private static HashSet<string> PointedAt(IReadOnlyList<CauseDefinition> possible, FactSet facts)
    {
        var support = possible.Select(c => (c.Id, Count: TrueLeaves(c.When, facts))).ToArray();
        var most = support.Length == 0 ? 0 : support.Max(s => s.Count);
        var top = support.Where(s => s.Count == most).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        return most > 0 && top.Count < possible.Count ? top : [];
    }

    private static int TrueLeaves(Condition condition, FactSet facts) => condition switch
    {
        FactCondition leaf => facts[leaf.Fact] is { } fact && Evaluator.Compare(leaf, fact.Value) == Truth.True ? 1 : 0,
        AllCondition all => all.Items.Sum(i => TrueLeaves(i, facts)),
        AnyCondition any => any.Items.Max(i => TrueLeaves(i, facts)),
        _ => 0,
    };

    /// <summary>
    /// The best question among the facts of <paramref name="only"/> causes (all possible causes when null), and among
    /// <paramref name="among"/> facts when given.
    /// </summary>
    private static FactDefinition? Best(
        RuleSet rules, FactSet facts, IReadOnlySet<string> settled, IReadOnlyList<CauseDefinition> possible, IReadOnlySet<string>? only,
        IReadOnlySet<string>? among = null)
    {
        FactDefinition? best = null;
        var bestScore = 0.0;
        var bestRank = int.MaxValue;

        foreach (var fact in rules.Facts)
        {
            if (facts.IsKnown(fact.Id) || settled.Contains(fact.Id) || (among is not null && !among.Contains(fact.Id)))
            {
                continue;
            }

            var rank = int.MaxValue;
            foreach (var cause in possible)
            {
                if ((only is null || only.Contains(cause.Id)) && cause.When.FactIds().Contains(fact.Id))
                {
                    rank = Math.Min(rank, cause.Priority);
                }
            }

            if (rank == int.MaxValue)
            {
                continue;
            }

            var score = Score(fact, possible, facts);
            if (score > bestScore || (score == bestScore && score > 0 && rank < bestRank))
            {
                best = fact;
                bestScore = score;
                bestRank = rank;
            }
        }

        return best;
    }

    internal static double Score(FactDefinition fact, IReadOnlyList<CauseDefinition> possible, FactSet facts)
    {
        var total = 0.0;
        foreach (var option in fact.Options)
        {
            var value = option.Fact ?? throw new InvalidOperationException(option.Value);
            FactValue? Lookup(string id) => id == fact.Id ? value : facts[id]?.Value;
            foreach (var cause in possible)
            {
                var status = Evaluator.Assess(cause, Lookup).Status;
                total += status switch
                {
                    CauseStatus.Confirmed => 2,
                    CauseStatus.RuledOut => 1,
                    _ => 0,
                };
            }
        }

        return total / fact.Options.Count;
    }
}
