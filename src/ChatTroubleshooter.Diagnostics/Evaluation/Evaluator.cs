using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Rules;

namespace ChatTroubleshooter.Diagnostics.Evaluation;

/// <summary>Kleene three-valued logic: an unknown fact makes a condition unknown, unless the rest decides it.</summary>
public enum Truth
{
    False,
    Unknown,
    True,
}

public enum CauseStatus
{
    Confirmed,
    Possible,
    RuledOut,
}

/// <summary>
/// A cause's status given the facts. For a ruled-out cause, <see cref="Reason"/> is the condition that failed,
/// so a reply can say why ("Call answered: Yes").
/// </summary>
public sealed record CauseAssessment(CauseDefinition Cause, CauseStatus Status, FactCondition? Reason);

public static class Evaluator
{
    public static CauseAssessment Assess(CauseDefinition cause, Func<string, FactValue?> facts)
    {
        FactCondition? reason = null;
        var truth = Evaluate(cause.When, facts, ref reason);
        return truth switch
        {
            Truth.True => new CauseAssessment(cause, CauseStatus.Confirmed, null),
            Truth.False => new CauseAssessment(cause, CauseStatus.RuledOut, reason),
            _ => new CauseAssessment(cause, CauseStatus.Possible, null),
        };
    }

    public static IReadOnlyList<CauseAssessment> AssessAll(RuleSet rules, FactSet facts)
    {
        var result = new CauseAssessment[rules.Causes.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = Assess(rules.Causes[i], id => facts[id]?.Value);
        }

        return result;
    }

    private static Truth Evaluate(Condition condition, Func<string, FactValue?> facts, ref FactCondition? falseLeaf)
    {
        switch (condition)
        {
            case AllCondition all:
            {
                var result = Truth.True;
                foreach (var item in all.Items)
                {
                    var t = Evaluate(item, facts, ref falseLeaf);
                    if (t == Truth.False) return Truth.False;
                    if (t == Truth.Unknown) result = Truth.Unknown;
                }

                return result;
            }

            case AnyCondition any:
            {
                var result = Truth.False;
                FactCondition? firstFalse = null;
                foreach (var item in any.Items)
                {
                    FactCondition? leaf = null;
                    var t = Evaluate(item, facts, ref leaf);
                    if (t == Truth.True) return Truth.True;
                    if (t == Truth.Unknown) result = Truth.Unknown;
                    firstFalse ??= leaf;
                }

                if (result == Truth.False) falseLeaf ??= firstFalse;
                return result;
            }

            case FactCondition leaf:
            {
                var t = facts(leaf.Fact) is { } value ? Compare(leaf, value) : Truth.Unknown;
                if (t == Truth.False) falseLeaf ??= leaf;
                return t;
            }

            default:
                throw new NotSupportedException(condition.GetType().Name);
        }
    }

    /// <summary>Compares a known value; a range of seconds may straddle the threshold and stay unknown.</summary>
    public static Truth Compare(FactCondition condition, FactValue value)
    {
        switch (condition.Comparison)
        {
            case Comparison.EqualTo:
                return value.Symbol == condition.Operand.Symbol ? Truth.True : Truth.False;
            case Comparison.LessThan:
            {
                var n = condition.Operand.Min!.Value;
                if (value.Max is { } max && max < n) return Truth.True;
                if (value.Min is { } min && min >= n) return Truth.False;
                return Truth.Unknown;
            }

            case Comparison.GreaterThan:
            {
                var n = condition.Operand.Min!.Value;
                if (value.Min is { } min && min > n) return Truth.True;
                if (value.Max is { } max && max <= n) return Truth.False;
                return Truth.Unknown;
            }

            default:
                throw new NotSupportedException(condition.Comparison.ToString());
        }
    }
}
