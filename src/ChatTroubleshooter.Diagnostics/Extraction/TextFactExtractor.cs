using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Texts;

namespace ChatTroubleshooter.Diagnostics.Extraction;

/// <summary>What a message says: a call id, facts (each quoting the words it came from), and more.</summary>
public sealed record TextReading(
    string? CallId,
    bool HasSid,
    IReadOnlyList<Fact> Facts,
    IReadOnlyList<string> Contradicted,
    string? DetectedLanguage);

/// <summary>
/// Reads facts from a free description with one language's lexicon (or, when the language is not clear,
/// with every lexicon, keeping only what they agree on).
/// </summary>
public sealed class TextFactExtractor(Knowledge knowledge)
{
    private const int NegationWindow = 3;
    private const int VoicemailWindow = 6;

    public TextReading Read(string text, string? language = null)
    {
        var tokens = Tokenizer.Tokenize(text);
        var detected = LanguageDetector.Detect(tokens, knowledge.Lexicons);
        var callId = CallReference.FindCallId(text);
        var lexicons = (language ?? detected) is { } lang && knowledge.Lexicons.TryGetValue(lang, out var chosen)
            ? [chosen]
            : knowledge.Lexicons.Values.ToArray();

        var found = new List<Fact>();
        foreach (var lexicon in lexicons)
        {
            var clauses = ApplyClauseBreaks(tokens, lexicon);
            found.AddRange(ReadCues(text, clauses, lexicon));
            found.AddRange(ReadDurations(text, clauses, lexicon, callId));
        }

        var facts = new List<Fact>();
        var contradicted = new List<string>();
        foreach (var group in found.GroupBy(f => f.Id))
        {
            var values = group.Select(f => f.Value).Distinct().ToArray();
            if (values.Length == 1)
            {
                facts.Add(group.First());
            }
            else
            {
                contradicted.Add(group.Key);
            }
        }

        return new TextReading(callId, CallReference.HasSid(text), facts, contradicted, detected);
    }

    /// <summary>The language of the text when it is clear (see <see cref="LanguageDetector"/>), else null.</summary>
    public string? DetectLanguage(string text) => LanguageDetector.Detect(Tokenizer.Tokenize(text), knowledge.Lexicons);

    /// <summary>Recognises a typed answer to a question: yes, no, or not sure, in the given language.</summary>
    public string? ReadYesNoUnknown(string text, string language)
    {
        var trimmed = text.Trim().TrimEnd('.', '!');
        if (trimmed == "?")
        {
            return "unknown";
        }

        var tokens = Tokenizer.Tokenize(trimmed);
        var lexicon = knowledge.Lexicons[language];
        bool Whole(IReadOnlyList<Phrase> phrases) => phrases.Any(p => p.Length == tokens.Count && p.MatchesAt(tokens, 0));
        return Whole(lexicon.Unknown) ? "unknown" : Whole(lexicon.Yes) ? "yes" : Whole(lexicon.No) ? "no" : null;
    }

    /// <summary>True when the text asks for help (or is empty) rather than describing a call.</summary>
    public bool IsHelpRequest(string text)
    {
        var tokens = Tokenizer.Tokenize(text);
        if (tokens.Count == 0)
        {
            return text.Trim() is "" or "?";
        }

        return knowledge.Lexicons.Values.Any(l => l.Help.Any(p => p.Length == tokens.Count && p.MatchesAt(tokens, 0)));
    }

    /// <summary>Words such as "but" end a clause too, so a negation before them does not reach past them.</summary>
    private static List<Token> ApplyClauseBreaks(List<Token> tokens, Lexicon lexicon)
    {
        var result = new List<Token>(tokens.Count);
        var shift = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (!tokens[i].IsNumber && lexicon.ClauseBreaks.Any(p => p.Length == 1 && p.MatchesAt(tokens, i)))
            {
                shift++;
            }

            result.Add(tokens[i] with { Clause = tokens[i].Clause * 1000 + shift });
        }

        return result;
    }

    private static IEnumerable<Fact> ReadCues(string text, List<Token> tokens, Lexicon lexicon)
    {
        // Per fact, the longest cue wins where cues overlap ("not answered" over "answered").
        foreach (var byFact in lexicon.Cues.GroupBy(c => c.FactId))
        {
            var taken = new bool[tokens.Count];
            for (var i = 0; i < tokens.Count; i++)
            {
                if (taken[i])
                {
                    continue;
                }

                foreach (var cue in byFact)
                {
                    if (!cue.Phrase.MatchesAt(tokens, i) || Enumerable.Range(i, cue.Phrase.Length).Any(k => taken[k]))
                    {
                        continue;
                    }

                    for (var k = i; k < i + cue.Phrase.Length; k++)
                    {
                        taken[k] = true;
                    }

                    var negated = !cue.HoldsNegation && IsNegated(tokens, i, lexicon);
                    var value = negated ? cue.Value.Negate() : cue.Value;
                    // A negated choice ("not inbound") says nothing definite.
                    if (negated && value == cue.Value)
                    {
                        break;
                    }

                    var from = negated ? NegationStart(tokens, i, lexicon) : i;
                    yield return new Fact(cue.FactId, value, FactSource.Text, Quote(text, tokens, from, i + cue.Phrase.Length - 1));
                    break;
                }
            }
        }
    }

    private static bool IsNegated(List<Token> tokens, int start, Lexicon lexicon) => NegationStart(tokens, start, lexicon) >= 0;

    /// <summary>Where a negation word stands within 3 words before <paramref name="start"/> in its clause; -1 if none.</summary>
    private static int NegationStart(List<Token> tokens, int start, Lexicon lexicon)
    {
        for (var j = start - 1; j >= 0 && j >= start - NegationWindow - 1; j--)
        {
            if (tokens[j].Clause != tokens[start].Clause)
            {
                break;
            }

            foreach (var negation in lexicon.Negations)
            {
                var end = j + negation.Length - 1;
                if (end < start && start - end - 1 <= NegationWindow - 1 && negation.MatchesAt(tokens, j))
                {
                    return j;
                }
            }
        }

        return -1;
    }

    private static IEnumerable<Fact> ReadDurations(string text, List<Token> tokens, Lexicon lexicon, string? callId)
    {
        var i = 0;
        while (i < tokens.Count)
        {
            var duration = ReadDuration(tokens, i, lexicon);
            if (duration is null || tokens[i].Text == callId)
            {
                i++;
                continue;
            }

            var (seconds, end) = duration.Value;
            var start = i;
            FactValue value = FactValue.Seconds(seconds);
            if (EndsAt(lexicon.MoreThan, tokens, i) is { } more)
            {
                start = more;
                value = FactValue.Between(Math.Floor(seconds) + 1, null);
            }
            else if (EndsAt(lexicon.LessThan, tokens, i) is { } less)
            {
                start = less;
                value = FactValue.Between(null, Math.Max(0, Math.Ceiling(seconds) - 1));
            }

            var evidence = Quote(text, tokens, start, end);
            if (NearVoicemail(tokens, start, end, lexicon))
            {
                yield return new Fact("voicemail-seconds", value, FactSource.Text, evidence);
                yield return new Fact("voicemail", FactValue.Yes, FactSource.Text, evidence);
            }
            else
            {
                yield return new Fact("talk-seconds", value, FactSource.Text, evidence);
            }

            i = end + 1;
        }
    }

    /// <summary>
    /// Reads "3 s", "2 min 30", "4h30", "4 hours and a half", "4 and a half hours", "four minutes" at
    /// <paramref name="i"/>: the seconds and the index of the last token used.
    /// </summary>
    private static (double Seconds, int End)? ReadDuration(List<Token> tokens, int i, Lexicon lexicon)
    {
        double total = 0;
        var end = -1;
        double? lastUnit = null;
        var k = i;
        while (k < tokens.Count)
        {
            if (Number(tokens[k], lexicon) is not { } n)
            {
                break;
            }

            var next = k + 1;
            var half = MatchAt(lexicon.Half, tokens, next);
            if (half > 0)
            {
                next += half;
            }

            var unit = UnitAt(tokens, next, lexicon, out var unitLength);
            if (unit is null)
            {
                // "4h30": a bare number after hours means minutes, after minutes seconds.
                if (lastUnit is { } previous && previous > 1 && half == 0 && tokens[k].IsNumber)
                {
                    total += n * (previous / 60);
                    end = k;
                }

                break;
            }

            var value = n + (half > 0 ? 0.5 : 0);
            next += unitLength;
            var trailingHalf = MatchAt(lexicon.Half, tokens, next);
            if (trailingHalf > 0)
            {
                value += 0.5;
                next += trailingHalf;
            }

            total += value * unit.Value;
            lastUnit = unit;
            end = next - 1;
            k = next + MatchAt(lexicon.And, tokens, next);
        }

        return end >= i ? (total, end) : null;
    }

    private static double? Number(Token token, Lexicon lexicon) =>
        token.Number ?? (lexicon.NumberWords.TryGetValue(token.Text, out var n) ? n : null);

    private static double? UnitAt(List<Token> tokens, int i, Lexicon lexicon, out int length)
    {
        foreach (var (phrases, seconds) in new[] { (lexicon.Hours, 3600.0), (lexicon.Minutes, 60.0), (lexicon.Seconds, 1.0) })
        {
            length = MatchAt(phrases, tokens, i);
            if (length > 0)
            {
                return seconds;
            }
        }

        length = 0;
        return null;
    }

    /// <summary>The length of the longest phrase matching at <paramref name="i"/>, or 0.</summary>
    private static int MatchAt(IReadOnlyList<Phrase> phrases, List<Token> tokens, int i)
    {
        var best = 0;
        foreach (var p in phrases)
        {
            if (p.Length > best && p.MatchesAt(tokens, i))
            {
                best = p.Length;
            }
        }

        return best;
    }

    /// <summary>The start of a phrase that ends just before <paramref name="i"/>, if any.</summary>
    private static int? EndsAt(IReadOnlyList<Phrase> phrases, List<Token> tokens, int i)
    {
        foreach (var p in phrases)
        {
            var start = i - p.Length;
            if (start >= 0 && p.MatchesAt(tokens, start) && tokens[start].Clause == tokens[i].Clause)
            {
                return start;
            }
        }

        return null;
    }

    private static bool NearVoicemail(List<Token> tokens, int start, int end, Lexicon lexicon)
    {
        var clause = tokens[start].Clause;
        for (var j = Math.Max(0, start - VoicemailWindow); j <= Math.Min(tokens.Count - 1, end + VoicemailWindow); j++)
        {
            if (tokens[j].Clause == clause && (j < start || j > end) && MatchAt(lexicon.VoicemailWords, tokens, j) > 0)
            {
                return true;
            }
        }

        return false;
    }

    private static Evidence Quote(string text, List<Token> tokens, int from, int to) =>
        Evidence.Of(TextKeys.EvidenceText, ("quote", text[tokens[from].Start..tokens[to].End]));
}
