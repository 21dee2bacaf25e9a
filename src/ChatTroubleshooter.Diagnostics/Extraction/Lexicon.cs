using ChatTroubleshooter.Diagnostics.Facts;

namespace ChatTroubleshooter.Diagnostics.Extraction;

/// <summary>
/// A cue: a phrase that, found in the text, says a fact has a value. A cue that holds a negation itself
/// ("not answered", "pas décroché") is not flipped again by a negation before it (French "n'a pas décroché").
/// </summary>
internal sealed record Cue(string FactId, FactValue Value, Phrase Phrase, bool HoldsNegation);

/// <summary>One language's words for reading facts from text; loaded from <c>lexicons/&lt;lang&gt;.yaml</c>.</summary>
internal sealed class Lexicon
{
    public required string Language { get; init; }

    /// <summary>Frequent words, used to recognise the language.</summary>
    public required IReadOnlySet<string> Words { get; init; }

    public required IReadOnlyList<Phrase> Negations { get; init; }

    public required IReadOnlyList<Phrase> ClauseBreaks { get; init; }

    public required IReadOnlyList<Phrase> Yes { get; init; }

    public required IReadOnlyList<Phrase> No { get; init; }

    public required IReadOnlyList<Phrase> Unknown { get; init; }

    public required IReadOnlyList<Phrase> Help { get; init; }

    public required IReadOnlyList<Phrase> Seconds { get; init; }

    public required IReadOnlyList<Phrase> Minutes { get; init; }

    public required IReadOnlyList<Phrase> Hours { get; init; }

    public required IReadOnlyList<Phrase> Half { get; init; }

    public required IReadOnlyList<Phrase> And { get; init; }

    public required IReadOnlyList<Phrase> MoreThan { get; init; }

    public required IReadOnlyList<Phrase> LessThan { get; init; }

    public required IReadOnlyDictionary<string, double> NumberWords { get; init; }

    public required IReadOnlyList<Phrase> VoicemailWords { get; init; }

    /// <summary>Cues, longest phrase first so that "not answered" wins over "answered".</summary>
    public required IReadOnlyList<Cue> Cues { get; init; }
}
