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

    /// <summary>Words borrowed from another language ("recording" in a Spanish message): read, but no sign of this language.</summary>
    public required IReadOnlySet<string> Loanwords { get; init; }

    public required IReadOnlyList<Phrase> Negations { get; init; }

    /// <summary>
    /// Phrases whose negation word names the problem instead of negating what follows ("no recording",
    /// "sin grabación"): a negation there flips no cue.
    /// </summary>
    public required IReadOnlyList<Phrase> NotNegating { get; init; }

    public required IReadOnlyList<Phrase> ClauseBreaks { get; init; }

    public required IReadOnlyList<Phrase> Yes { get; init; }

    public required IReadOnlyList<Phrase> No { get; init; }

    public required IReadOnlyList<Phrase> Unknown { get; init; }

    public required IReadOnlyList<Phrase> Help { get; init; }

    /// <summary>"start over", "cancel", "reset": ends the open conversation.</summary>
    public required IReadOnlyList<Phrase> Restart { get; init; }

    /// <summary>"hi", "hello": answered with a one-line intro, never a diagnosis.</summary>
    public required IReadOnlyList<Phrase> Greetings { get; init; }

    /// <summary>"thanks", "ok": answered briefly, never a diagnosis.</summary>
    public required IReadOnlyList<Phrase> Thanks { get; init; }

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
    public required IReadOnlyList<Cue> Cues
    {
        get;
        init
        {
            field = value;
            Facts = value.Select(c => c.FactId).Distinct().ToArray();
            var byWord = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            var prefixed = new List<int>();
            for (var n = 0; n < value.Count; n++)
            {
                foreach (var word in value[n].Phrase.FirstWords)
                {
                    if (word.EndsWith('*'))
                    {
                        prefixed.Add(n);
                    }
                    else
                    {
                        (byWord.TryGetValue(word, out var list) ? list : byWord[word] = []).Add(n);
                    }
                }
            }

            _cuesByFirstWord = byWord.ToDictionary(e => e.Key, e => e.Value.Distinct().ToArray(), StringComparer.Ordinal);
            _prefixedCues = [.. prefixed.Distinct()];
        }
    }

    /// <summary>The facts the cues say, in the order their first cue comes.</summary>
    public IReadOnlyList<string> Facts { get; private set; } = [];

    private Dictionary<string, int[]> _cuesByFirstWord = [];
    private int[] _prefixedCues = [];

    /// <summary>
    /// Adds to <paramref name="into"/> the index in <see cref="Cues"/> of every cue that can start at a token with
    /// this text, in the order of <see cref="Cues"/>: a cue is tried only where its first word stands.
    /// </summary>
    public void CuesStartingWith(string word, List<int> into)
    {
        var from = into.Count;
        if (_cuesByFirstWord.TryGetValue(word, out var exact))
        {
            into.AddRange(exact);
        }

        foreach (var n in _prefixedCues)
        {
            var first = Cues[n].Phrase.FirstWords;
            for (var k = 0; k < first.Count; k++)
            {
                if (first[k].EndsWith('*') && word.StartsWith(first[k].AsSpan(0, first[k].Length - 1), StringComparison.Ordinal))
                {
                    into.Add(n);
                    break;
                }
            }
        }

        if (exact is not null && into.Count > from + exact.Length)
        {
            into.Sort(from, into.Count - from, Comparer<int>.Default);
        }
    }

    /// <summary>"at most", "max": the duration after them is an upper bound, itself included.</summary>
    public required IReadOnlyList<Phrase> AtMost { get; init; }

    /// <summary>"at least": the duration after them is a lower bound, itself included.</summary>
    public required IReadOnlyList<Phrase> AtLeast { get; init; }

    /// <summary>"or" between two numbers: "two or three seconds" is a range.</summary>
    public required IReadOnlyList<Phrase> Or { get; init; }

    /// <summary>Durations said in words: "half an hour" = 1800.</summary>
    public required IReadOnlyList<(Phrase Phrase, double Seconds)> DurationPhrases { get; init; }

    /// <summary>Words that announce a duration ("lasted", "duration"), so that "0:03" after them is one.</summary>
    public required IReadOnlyList<Phrase> DurationWords { get; init; }

    /// <summary>"sorry", "I mean": what follows corrects what came before.</summary>
    public required IReadOnlyList<Phrase> Corrections { get; init; }

    /// <summary>
    /// Negations that stand after the verb they negate: German and Dutch "nicht"/"niet" at the end of a main clause,
    /// "nothing"/"nichts"/"rien" as the object ("pausiert habe ich nichts").
    /// </summary>
    public required IReadOnlyList<Phrase> NegationsAfter { get; init; }

    /// <summary>"maybe", "I think": a fact in their clause is a guess, not a statement.</summary>
    public required IReadOnlyList<Phrase> Hedges { get; init; }

    /// <summary>"why": a question that starts with it takes its facts as given ("why no recording if it was answered?").</summary>
    public required IReadOnlyList<Phrase> WhyWords { get; init; }

    /// <summary>"wrote", "says": followed by a colon, the rest of the line is somebody else's words (a customer's complaint).</summary>
    public required IReadOnlyList<Phrase> ReportedSpeech { get; init; }

    /// <summary>"the previous call", "the other call": a clause about another call says nothing about this one.</summary>
    public required IReadOnlyList<Phrase> OtherCall { get; init; }
}
