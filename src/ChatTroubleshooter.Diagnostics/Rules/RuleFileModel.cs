using YamlDotNet.Serialization;

namespace ChatTroubleshooter.Diagnostics.Rules;

// The shapes of rules.yaml and lexicons/<lang>.yaml as written; KnowledgeLoader validates and converts them.
#pragma warning disable CA1002, CA2227 // YAML binding needs settable lists.

internal sealed class RuleFile
{
    public int Version { get; set; }

    public List<FactEntry>? Facts { get; set; }

    public Dictionary<string, LinkEntry>? Links { get; set; }

    public List<CauseEntry>? Causes { get; set; }

    public List<ImplicationEntry>? Implications { get; set; }
}

internal sealed class ImplicationEntry
{
    [YamlMember(Alias = "if")]
    public string? When { get; set; }

    public List<string>? Then { get; set; }
}

internal sealed class FactEntry
{
    public string? Id { get; set; }

    public string? Type { get; set; }

    public List<OptionEntry>? Options { get; set; }
}

internal sealed class OptionEntry
{
    public string? Value { get; set; }

    public string? Text { get; set; }
}

internal sealed class LinkEntry
{
    public string? Url { get; set; }

    public string? Text { get; set; }
}

internal sealed class CauseEntry
{
    public string? Id { get; set; }

    public int? Priority { get; set; }

    public ConditionEntry? When { get; set; }

    public List<string>? Links { get; set; }
}

internal sealed class ConditionEntry
{
    public List<ConditionEntry>? All { get; set; }

    public List<ConditionEntry>? Any { get; set; }

    public string? Fact { get; set; }

    [YamlMember(Alias = "equals")]
    public string? EqualTo { get; set; }

    public double? LessThan { get; set; }

    public double? GreaterThan { get; set; }
}

internal sealed class LexiconFile
{
    public List<string>? Words { get; set; }

    public List<string>? Negations { get; set; }

    public List<string>? NotNegating { get; set; }

    public List<string>? Loanwords { get; set; }

    public List<string>? ClauseBreaks { get; set; }

    public List<string>? Yes { get; set; }

    public List<string>? No { get; set; }

    public List<string>? Unknown { get; set; }

    public List<string>? Help { get; set; }

    public List<string>? Restart { get; set; }

    public List<string>? Greetings { get; set; }

    public List<string>? Thanks { get; set; }

    public UnitsEntry? Units { get; set; }

    public List<string>? Half { get; set; }

    public List<string>? And { get; set; }

    public List<string>? MoreThan { get; set; }

    public List<string>? LessThan { get; set; }

    public Dictionary<string, double>? Numbers { get; set; }

    public List<string>? VoicemailWords { get; set; }

    public Dictionary<string, List<string>>? Cues { get; set; }

    public List<string>? AtMost { get; set; }

    public List<string>? AtLeast { get; set; }

    public List<string>? Or { get; set; }

    public Dictionary<string, double>? DurationPhrases { get; set; }

    public List<string>? DurationWords { get; set; }

    public List<string>? Corrections { get; set; }

    public List<string>? NegationsAfter { get; set; }

    public List<string>? Hedges { get; set; }

    public List<string>? WhyWords { get; set; }

    public List<string>? ReportedSpeech { get; set; }

    public List<string>? OtherCall { get; set; }
}

internal sealed class UnitsEntry
{
    public List<string>? Seconds { get; set; }

    public List<string>? Minutes { get; set; }

    public List<string>? Hours { get; set; }
}
