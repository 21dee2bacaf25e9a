using ChatTroubleshooter.Diagnostics.Facts;

namespace ChatTroubleshooter.Diagnostics.Rules;

public enum FactType
{
    YesNo,
    Choice,
    Seconds,
}

/// <summary>One answer a question offers: the wire value a button carries and the text key of its label.</summary>
public sealed record AnswerOption(string Value, string TextKey)
{
    public const string Unknown = "unknown";

    /// <summary>The value as a fact value (parsed once, when the rules load); null for "not sure".</summary>
    public FactValue? Fact { get; } = Value != Unknown && FactValue.TryParse(Value, out var parsed) ? parsed : null;
}

public sealed record FactDefinition(string Id, FactType Type, IReadOnlyList<AnswerOption> Options, int Order)
{
    public string NameKey => $"fact.{Id}";

    public string QuestionKey => $"question.{Id}";

    /// <summary>The options a question shows: the fact's own, then "not sure".</summary>
    public IEnumerable<AnswerOption> OptionsWithUnknown =>
        Options.Append(new AnswerOption(AnswerOption.Unknown, "option.unknown"));

    public AnswerOption? FindOption(string value) =>
        Options.FirstOrDefault(o => o.Value == value);
}

public sealed record HelpLink(string Id, string UrlTemplate, string TextKey);

public sealed record CauseDefinition(
    string Id,
    int Priority,
    Condition When,
    IReadOnlyList<HelpLink> Links,
    int Order)
{
    public string TitleKey => $"cause.{Id}.title";

    public string EvidenceKey => $"cause.{Id}.evidence";

    public string StepsKey => $"cause.{Id}.steps";

    /// <summary>
    /// The fact whose value may give a cause steps of their own (<see cref="StepsKeyFor"/>): nobody answering an
    /// outbound call is not about opening hours.
    /// </summary>
    public const string StepsVariantFact = "direction";

    /// <summary>The steps for one value of <see cref="StepsVariantFact"/>, used instead of <see cref="StepsKey"/> when the texts have them.</summary>
    public string StepsKeyFor(string value) => $"{StepsKey}.{value}";

    /// <summary>The paragraphs of the customer draft for this cause.</summary>
    public string DraftKey => $"draft.{Id}";
}

/// <summary>A condition over facts in a closed vocabulary; nothing is evaluated as code.</summary>
public abstract record Condition
{
    public abstract IEnumerable<string> FactIds();
}

public sealed record AllCondition(IReadOnlyList<Condition> Items) : Condition
{
    public override IEnumerable<string> FactIds() => Items.SelectMany(i => i.FactIds());
}

public sealed record AnyCondition(IReadOnlyList<Condition> Items) : Condition
{
    public override IEnumerable<string> FactIds() => Items.SelectMany(i => i.FactIds());
}

public enum Comparison
{
    EqualTo,
    LessThan,
    GreaterThan,
}

public sealed record FactCondition(string Fact, Comparison Comparison, FactValue Operand) : Condition
{
    public override IEnumerable<string> FactIds() => [Fact];
}

/// <summary>What a person concludes from one fact: "I paused it" means the call was answered and pausing allowed.</summary>
public sealed record Implication(string Fact, FactValue Value, IReadOnlyList<(string Fact, FactValue Value)> Then);

public sealed class RuleSet
{
    public RuleSet(IReadOnlyList<FactDefinition> facts, IReadOnlyList<CauseDefinition> causes, IReadOnlyList<Implication>? implications = null)
    {
        Facts = facts;
        Causes = causes;
        Implications = implications ?? [];
        FactsById = facts.ToDictionary(f => f.Id, StringComparer.Ordinal);
        CausesById = causes.ToDictionary(c => c.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<FactDefinition> Facts { get; }

    /// <summary>Causes in reporting order (priority, then file order).</summary>
    public IReadOnlyList<CauseDefinition> Causes { get; }

    /// <summary>Conclusions a reader draws from a fact of the text (applied by the text reader, never over a stated fact).</summary>
    public IReadOnlyList<Implication> Implications { get; }

    public IReadOnlyDictionary<string, FactDefinition> FactsById { get; }

    public IReadOnlyDictionary<string, CauseDefinition> CausesById { get; }
}
