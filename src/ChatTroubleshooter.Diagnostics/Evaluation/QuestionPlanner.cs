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
/// </summary>
public static class QuestionPlanner
{
    public static FactDefinition? Next(
        RuleSet rules, FactSet facts, IReadOnlySet<string> settled, IReadOnlyList<CauseAssessment> assessments)
    {
        var possible = assessments.Where(a => a.Status == CauseStatus.Possible).Select(a => a.Cause).ToArray();
        FactDefinition? best = null;
        var bestScore = 0.0;
        var bestRank = int.MaxValue;

        foreach (var fact in rules.Facts)
        {
            if (facts.IsKnown(fact.Id) || settled.Contains(fact.Id))
            {
                continue;
            }

            var rank = int.MaxValue;
            foreach (var cause in possible)
            {
                if (cause.When.FactIds().Contains(fact.Id))
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
