using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Texts;

namespace ChatTroubleshooter.Diagnostics.Extraction;

/// <summary>
/// What a message says: a call id, facts (each quoting the words it came from), and more. <see cref="Hints"/> are the
/// facts it mentions without stating them (guessed: "maybe recording was off"; asked: "was it paused?"): never facts,
/// but what to ask first.
/// </summary>
public sealed record TextReading(
    string? CallId,
    bool HasSid,
    IReadOnlyList<Fact> Facts,
    IReadOnlyList<string> Contradicted,
    string? DetectedLanguage)
{
    public IReadOnlySet<string> Hints { get; init; } = new HashSet<string>();
}

/// <summary>
/// Reads facts from a free description with one language's lexicon (or, when the language is not clear,
/// with every lexicon, keeping only what they agree on).
/// <para>
/// A cue is a lexicon phrase, matched within a clause, that may skip a few words ("recording ... off");
/// a negation up to 3 words before it, or among the words it skipped, flips it. Durations are read with their
/// units, as clock readings ("1:02:05"), in words ("half an hour"), as ranges ("two or three seconds") and
/// bounds ("at most 4 s"). When a fact is stated twice with different values, a correction word between them
/// ("3 s… sorry, 30 s") makes the later one win; otherwise the fact is left unknown. Last, what a person
/// concludes is added (rules.yaml <c>implications</c>; a duration in a message about a voicemail left on an
/// unanswered call is the voicemail's length), never over a fact the text states.
/// </para>
/// </summary>
/// <summary>Messages that are not about a call.</summary>
public enum SmallTalk
{
    Restart,
    Greeting,
    Thanks,
}

public sealed class TextFactExtractor(Knowledge knowledge)
{
    private const int NegationWindow = 3;

    /// <summary>How far after its verb a negation may stand: German and Dutch put the whole middle field in between.</summary>
    private const int NegationAfterWindow = 8;
    private const string DirectionFact = "direction";
    private const string Inbound = "inbound";
    private const string Outbound = "outbound";
    private const int VoicemailWindow = 6;
    private const int DurationWordWindow = 4;

    private readonly LanguageDetector _detector = new(knowledge.Lexicons);

    /// <summary>
    /// A fact read at a token position (for corrections: the later statement wins); tentative when guessed or asked, so
    /// only a hint of what to ask.
    /// </summary>
    private readonly record struct Found(Fact Fact, int Position, bool Tentative = false, int End = -1)
    {
        /// <summary>The last token of the words that said it.</summary>
        public int Last => Math.Max(Position, End);
    }

    public TextReading Read(string text, string? language = null)
    {
        var tokens = Tokenizer.Tokenize(text);
        var detected = _detector.Detect(tokens);
        var callId = CallReference.FindCallId(text);
        var lexicons = (language ?? detected) is { } lang && knowledge.Lexicons.TryGetValue(lang, out var chosen)
            ? [chosen]
            : knowledge.Lexicons.Values.ToArray();

        var found = new List<Found>();
        var corrections = new SortedSet<int>();
        foreach (var lexicon in lexicons)
        {
            var clauses = ApplyClauseBreaks(tokens, lexicon);
            found.AddRange(ReadCues(text, clauses, lexicon));
            found.AddRange(ReadDurations(text, clauses, lexicon, callId));
            for (var i = 0; i < clauses.Count; i++)
            {
                if (MatchAt(lexicon.Corrections, clauses, i) > 0)
                {
                    corrections.Add(i);
                }
            }
        }

        // "el recording de outbound estaba off": the English words other languages borrow, read with the English cues
        // for what the message's own language did not say.
        if (lexicons is [var only] && only.Language != Languages.Default && knowledge.Lexicons.TryGetValue(Languages.Default, out var english))
        {
            var own = found.Select(f => f.Fact.Id).ToHashSet(StringComparer.Ordinal);
            found.AddRange(ReadCues(text, ApplyClauseBreaks(tokens, english), english).Where(f => !own.Contains(f.Fact.Id)));
        }

        var facts = new Dictionary<string, Fact>(StringComparer.Ordinal);
        var contradicted = new List<string>();
        var withdrawn = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in found.Where(f => !f.Tentative).GroupBy(f => f.Fact.Id))
        {
            var ordered = group.OrderBy(f => f.Position).ToArray();
            var last = ordered[^1];
            var earlier = ordered.Where(f => f.Fact.Value != last.Fact.Value).ToArray();
            if (IsWithdrawn(tokens, last, corrections, found))
            {
                // "recording was off, I mean on": corrected without a value it reads; a hint, not a fact.
                withdrawn.Add(group.Key);
            }
            else if (earlier.Length == 0 || earlier.All(e => e.Position < last.Position && corrections.GetViewBetween(e.Position + 1, last.Position).Count > 0))
            {
                facts[group.Key] = earlier.Length == 0 ? ordered[0].Fact : last.Fact;
            }
            else
            {
                contradicted.Add(group.Key);
            }
        }

        ApplyImplications(facts, contradicted);
        var hints = found.Where(f => f.Tentative && !facts.ContainsKey(f.Fact.Id)).Select(f => f.Fact.Id).Concat(withdrawn).ToHashSet(StringComparer.Ordinal);
        return new TextReading(callId, CallReference.HasSid(text), facts.Values.ToArray(), contradicted, detected) { Hints = hints };
    }

    /// <summary>The language of the text when it is clear (see <see cref="LanguageDetector"/>), else null.</summary>
    public string? DetectLanguage(string text) => _detector.Detect(Tokenizer.Tokenize(text));

    /// <summary>
    /// The language to answer in: the text's when it is clear, else the platform locale's, else English. A message
    /// of one or two words that the locale's language also reads (its own words or the English ones it borrows: "no
    /// recording!!" from a Spanish locale) is answered in the locale's language: two words do not tell a language.
    /// </summary>
    public string ChooseLanguage(string? text, string? locale)
    {
        var platform = Languages.FromLocale(locale);
        if (string.IsNullOrWhiteSpace(text))
        {
            return platform ?? Languages.Default;
        }

        var tokens = Tokenizer.Tokenize(text);
        var detected = _detector.Detect(tokens);
        if (detected is not null && platform is not null && detected != platform
            && tokens.Count(t => !t.IsNumber) < LanguageDetector.MinimumWords && _detector.Reads(platform, tokens))
        {
            return platform;
        }

        return Languages.Choose(detected, locale);
    }

    /// <summary>
    /// Recognises a typed answer to a question (yes, no, or not sure) in the given language, else in any language when
    /// every language that reads the text reads the same answer ("no lo sé" to an English question); null otherwise.
    /// </summary>
    public string? ReadYesNoUnknown(string text, string language)
    {
        var trimmed = text.Trim().TrimEnd('.', '!');
        if (trimmed == "?")
        {
            return "unknown";
        }

        var tokens = Tokenizer.Tokenize(trimmed);
        return YesNoUnknown(tokens, knowledge.Lexicons[language])
            ?? (knowledge.Lexicons.Values.Select(l => YesNoUnknown(tokens, l)).OfType<string>().Distinct().ToArray() is [var only] ? only : null);
    }

    private static string? YesNoUnknown(List<Token> tokens, Lexicon lexicon)
    {
        bool Whole(IReadOnlyList<Phrase> phrases) => phrases.Any(p => tokens.Count > 0 && p.Match(tokens, 0) == tokens.Count);
        return Whole(lexicon.Unknown) ? "unknown" : Whole(lexicon.Yes) ? "yes" : Whole(lexicon.No) ? "no" : null;
    }

    /// <summary>
    /// A whole message that is a restart word, a greeting or thanks (in any language), with the languages whose
    /// lexicon has it (several for "ok" or "hi"); null for anything else.
    /// </summary>
    public (SmallTalk Kind, IReadOnlyList<string> Languages)? ReadSmallTalk(string text)
    {
        var tokens = Tokenizer.Tokenize(text.Trim().TrimEnd('.', '!'));
        if (tokens.Count == 0 || tokens.Count > 6)
        {
            return null;
        }

        foreach (var (kind, phrases) in new (SmallTalk, Func<Lexicon, IReadOnlyList<Phrase>>)[]
            { (SmallTalk.Restart, l => l.Restart), (SmallTalk.Greeting, l => l.Greetings), (SmallTalk.Thanks, l => l.Thanks) })
        {
            var languages = knowledge.Lexicons.Values.Where(l => phrases(l).Any(p => p.Match(tokens, 0) == tokens.Count)).Select(l => l.Language).ToArray();
            if (languages.Length > 0)
            {
                return (kind, languages);
            }
        }

        return null;
    }

    /// <summary>The number of words in a message (links, ids and numbers count as words).</summary>
    public static int WordCount(string text) => Tokenizer.Tokenize(text).Count;

    /// <summary>True when the text asks for help (or is empty) rather than describing a call.</summary>
    public bool IsHelpRequest(string text)
    {
        var tokens = Tokenizer.Tokenize(text);
        if (tokens.Count == 0)
        {
            return text.Trim() is "" or "?";
        }

        return knowledge.Lexicons.Values.Any(l => l.Help.Any(p => p.Match(tokens, 0) == tokens.Count));
    }

    /// <summary>Adds what a reader concludes from the facts read, where the text does not say otherwise.</summary>
    private void ApplyImplications(Dictionary<string, Fact> facts, List<string> contradicted)
    {
        bool changed;
        do
        {
            changed = false;
            foreach (var implication in knowledge.Rules.Implications)
            {
                if (!facts.TryGetValue(implication.Fact, out var cause) || !cause.Value.IsWithin(implication.Value))
                {
                    continue;
                }

                foreach (var (id, value) in implication.Then)
                {
                    if (!facts.ContainsKey(id) && !contradicted.Contains(id))
                    {
                        facts[id] = new Fact(id, value, FactSource.Text, cause.Evidence);
                        changed = true;
                    }
                }
            }
        }
        while (changed);

        // A voicemail was left on a call nobody answered: the duration the message gives is the voicemail's.
        if (facts.TryGetValue("voicemail", out var voicemail) && voicemail.Value == FactValue.Yes
            && facts.TryGetValue("answered", out var answered) && answered.Value == FactValue.No
            && facts.Remove("talk-seconds", out var talk) && !facts.ContainsKey("voicemail-seconds"))
        {
            facts["voicemail-seconds"] = talk with { Id = "voicemail-seconds" };
        }
    }

    /// <summary>Words such as "but" end a clause too, so a negation before them does not reach past them.</summary>
    /// <summary>
    /// Words such as "but" end a clause too, so a negation before them does not reach past them. "Customer wrote:" makes
    /// the rest of its line (or the next line, when it ends the line) somebody else's words, as quotation marks do.
    /// </summary>
    private static List<Token> ApplyClauseBreaks(List<Token> tokens, Lexicon lexicon)
    {
        var result = new List<Token>(tokens.Count);
        var shift = 0;
        var reportedLine = -1;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (!tokens[i].IsNumber && MatchAt(lexicon.ClauseBreaks, tokens, i) == 1)
            {
                shift++;
            }

            var token = tokens[i] with { Clause = tokens[i].Clause * 1000 + shift };
            result.Add(token.Line == reportedLine ? token with { Quoted = true } : token);
            if (MatchAt(lexicon.ReportedSpeech, tokens, i) is > 0 and var length && i + length < tokens.Count
                && tokens[i + length - 1].Clause != tokens[i + length].Clause)
            {
                reportedLine = tokens[i + length].Line;
            }
        }

        return result;
    }

    private enum Statement
    {
        Stated,

        /// <summary>Guessed ("maybe", "I think") or asked ("was it paused?"): a hint, not a fact.</summary>
        Tentative,

        /// <summary>About another call ("the previous call was answered"): nothing about this one.</summary>
        Elsewhere,
    }

    /// <summary>
    /// Whether what a cue says at <paramref name="start"/>..<paramref name="end"/> is stated: no hedge ("maybe", "I think")
    /// in its clause or ending the clause before ("ich glaube, die Aufnahme …"), its clause no question (unless a
    /// why-question, which takes its content as given), and no other call named in its clause.
    /// </summary>
    private static Statement IsStated(List<Token> tokens, int start, int end, Lexicon lexicon)
    {
        var clause = tokens[start].Clause;
        var first = start;
        while (first > 0 && tokens[first - 1].Clause == clause) first--;
        var last = end;
        while (last < tokens.Count - 1 && tokens[last + 1].Clause == clause) last++;

        var why = false;
        var guessed = IsHedgeClauseBefore(tokens, first, lexicon);
        for (var k = first; k <= last; k++)
        {
            if (k >= start && k <= end)
            {
                continue;
            }

            // "maybe 3 seconds", "vielleicht 3 Sekunden": an approximate number, not a guess.
            guessed |= MatchAt(lexicon.Hedges, tokens, k) is > 0 and var hedge
                && (k + hedge >= tokens.Count || ReadNumber(tokens, k + hedge, lexicon) is null);
            why |= MatchAt(lexicon.WhyWords, tokens, k) > 0;
            if (MatchAt(lexicon.OtherCall, tokens, k) > 0)
            {
                return Statement.Elsewhere;
            }
        }

        return guessed || (tokens[start].Question && !why) ? Statement.Tentative : Statement.Stated;
    }

    /// <summary>"I think, …", "ich glaube, …": the clause before <paramref name="first"/>, in its sentence, is a hedge and nothing else.</summary>
    private static bool IsHedgeClauseBefore(List<Token> tokens, int first, Lexicon lexicon)
    {
        if (first == 0 || tokens[first - 1].Sentence != tokens[first].Sentence)
        {
            return false;
        }

        foreach (var hedge in lexicon.Hedges)
        {
            var start = first - hedge.Length;
            if (start >= 0 && (start == 0 || tokens[start - 1].Clause != tokens[start].Clause)
                && hedge.Match(tokens, start) == hedge.Length && tokens[start].Clause == tokens[first - 1].Clause)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A negation after the cue that negates it: one of <see cref="Lexicon.NegationsAfter"/> up to 8 words after it in its
    /// clause ("pausiert habe ich nichts"), before any "and" and not starting a phrase of its own ("nicht aufgezeichnet").
    /// </summary>
    private static bool IsNegatedAfter(List<Token> tokens, int after, Lexicon lexicon, CueStarts starts)
    {
        for (var k = after; k < tokens.Count && k < after + NegationAfterWindow && tokens[k].Clause == tokens[after - 1].Clause; k++)
        {
            if (MatchAt(lexicon.And, tokens, k) > 0 || NamesTheProblem(tokens, k, lexicon) || starts.StartsCue(tokens, k, lexicon))
            {
                return false;
            }

            if (MatchAt(lexicon.NegationsAfter, tokens, k) > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The cues that can start at each token (by their first word), found once per reading: the indexes in
    /// <see cref="Lexicon.Cues"/> of token i are <c>Candidates[Starts[i]..Starts[i + 1]]</c>.
    /// </summary>
    private sealed record CueStarts(List<int> Candidates, int[] Starts)
    {
        public static CueStarts Of(List<Token> tokens, Lexicon lexicon)
        {
            var candidates = new List<int>();
            var starts = new int[tokens.Count + 1];
            for (var i = 0; i < tokens.Count; i++)
            {
                starts[i] = candidates.Count;
                lexicon.CuesStartingWith(tokens[i].Text, candidates);
            }

            starts[tokens.Count] = candidates.Count;
            return new CueStarts(candidates, starts);
        }

        /// <summary>A cue of any fact starts at token <paramref name="k"/>.</summary>
        public bool StartsCue(List<Token> tokens, int k, Lexicon lexicon)
        {
            for (var c = Starts[k]; c < Starts[k + 1]; c++)
            {
                if (lexicon.Cues[Candidates[c]].Phrase.Match(tokens, k) > 0)
                {
                    return true;
                }
            }

            return false;
        }
    }

    private static IEnumerable<Found> ReadCues(string text, List<Token> tokens, Lexicon lexicon)
    {
        var cueStarts = CueStarts.Of(tokens, lexicon);
        var (candidates, starts) = (cueStarts.Candidates, cueStarts.Starts);
        var skipped = new List<int>();
        var taken = new bool[tokens.Count];
        // Per fact, the longest cue wins where cues overlap ("not answered" over "answered").
        foreach (var factId in lexicon.Facts)
        {
            Array.Clear(taken);
            for (var i = 0; i < tokens.Count; i++)
            {
                if (taken[i])
                {
                    continue;
                }

                for (var c = starts[i]; c < starts[i + 1]; c++)
                {
                    var cue = lexicon.Cues[candidates[c]];
                    if (cue.FactId != factId)
                    {
                        continue;
                    }

                    skipped.Clear();
                    var length = cue.Phrase.Match(tokens, i, skipped);
                    if (length == 0 || taken.AsSpan(i, length).Contains(true))
                    {
                        continue;
                    }

                    for (var k = i; k < i + length; k++)
                    {
                        taken[k] = true;
                    }

                    // Guessed, asked or about another call: not a fact, whatever its words; a guess or a question is a
                    // hint of what to ask first.
                    var stated = IsStated(tokens, i, i + length - 1, lexicon);
                    if (stated != Statement.Stated)
                    {
                        if (stated == Statement.Tentative)
                        {
                            yield return new Found(new Fact(cue.FactId, cue.Value, FactSource.Text, Evidence.Of(TextKeys.EvidenceText)), i, Tentative: true);
                        }

                        break;
                    }

                    // A negation before the cue, among the words it skipped ("recording was not turned off"), or after
                    // it where the language puts it ("pausiert habe ich nichts").
                    var negated = !cue.HoldsNegation
                        && (IsNegated(tokens, i, lexicon) || skipped.Any(k => IsNegationAt(tokens, k, lexicon))
                            || IsNegatedAfter(tokens, i + length, lexicon, cueStarts));
                    var value = negated ? cue.Value.Negate() : cue.Value;
                    // A negated choice ("not inbound") says nothing definite.
                    if (negated && value == cue.Value)
                    {
                        break;
                    }

                    // In somebody else's words the persons swap: a customer's "I called you" is a call the company received.
                    if (tokens[i].Quoted && cue.FactId == DirectionFact)
                    {
                        if (value.Symbol != Outbound)
                        {
                            break;
                        }

                        value = FactValue.Of(Inbound);
                    }

                    var from = negated && NegationStart(tokens, i, lexicon) is >= 0 and var n ? n : i;
                    yield return new Found(new Fact(cue.FactId, value, FactSource.Text, Quote(text, tokens, from, i + length - 1)), i, End: i + length - 1);
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
                if (end < start && start - end - 1 <= NegationWindow - 1 && negation.MatchesAt(tokens, j) && !NamesTheProblem(tokens, j, lexicon))
                {
                    return j;
                }
            }
        }

        return -1;
    }

    private static bool IsNegationAt(List<Token> tokens, int k, Lexicon lexicon) =>
        lexicon.Negations.Any(n => n.MatchesAt(tokens, k)) && !NamesTheProblem(tokens, k, lexicon);

    /// <summary>"no recording": the negation at <paramref name="j"/> starts a phrase that names the problem.</summary>
    private static bool NamesTheProblem(List<Token> tokens, int j, Lexicon lexicon) =>
        lexicon.NotNegating.Any(p => p.MatchesAt(tokens, j));

    private static IEnumerable<Found> ReadDurations(string text, List<Token> tokens, Lexicon lexicon, string? callId)
    {
        var i = 0;
        while (i < tokens.Count)
        {
            var duration = ReadDuration(text, tokens, i, lexicon);
            if (duration is null || tokens[i].Text == callId)
            {
                i++;
                continue;
            }

            var (min, max, end) = duration.Value;
            var start = i;
            var value = min == max ? FactValue.Seconds(min) : FactValue.Between(min, max);
            if (EndsAt(lexicon.MoreThan, tokens, i) is { } more)
            {
                start = more;
                value = FactValue.Between(Math.Floor(max) + 1, null);
            }
            else if (EndsAt(lexicon.LessThan, tokens, i) is { } less)
            {
                start = less;
                value = FactValue.Between(null, Math.Max(0, Math.Ceiling(min) - 1));
            }
            else if (EndsAt(lexicon.AtMost, tokens, i) is { } atMost)
            {
                start = atMost;
                value = FactValue.Between(null, max);
            }
            else if (EndsAt(lexicon.AtLeast, tokens, i) is { } atLeast)
            {
                start = atLeast;
                value = FactValue.Between(min, null);
            }

            if (IsStated(tokens, start, end, lexicon) is var stated && stated != Statement.Stated)
            {
                if (stated == Statement.Tentative)
                {
                    yield return new Found(new Fact("talk-seconds", value, FactSource.Text, Evidence.Of(TextKeys.EvidenceText)), start, Tentative: true);
                }

                i = end + 1;
                continue;
            }

            var evidence = Quote(text, tokens, start, end);
            if (NearVoicemail(tokens, start, end, lexicon))
            {
                yield return new Found(new Fact("voicemail-seconds", value, FactSource.Text, evidence), start, End: end);
                yield return new Found(new Fact("voicemail", FactValue.Yes, FactSource.Text, evidence), start, End: end);
            }
            else
            {
                yield return new Found(new Fact("talk-seconds", value, FactSource.Text, evidence), start, End: end);
            }

            i = end + 1;
        }
    }

    /// <summary>
    /// Reads a duration at <paramref name="i"/>: "3 s", "2 min 30", "4h30", "4 hours and a half", "four minutes",
    /// "twenty five seconds", "half an hour", "1:02:05", "two or three seconds", "2-3 s". Returns the range of
    /// seconds (equal ends for an exact duration) and the index of the last token used; stays in one clause.
    /// </summary>
    private static (double Min, double Max, int End)? ReadDuration(string text, List<Token> tokens, int i, Lexicon lexicon)
    {
        if (ReadClock(tokens, i, lexicon) is { } clock)
        {
            return clock;
        }

        foreach (var (phrase, seconds) in lexicon.DurationPhrases)
        {
            if (phrase.Match(tokens, i) is > 0 and var length)
            {
                return (seconds, seconds, i + length - 1);
            }
        }

        double total = 0;
        double? rangeMax = null;
        var end = -1;
        double? lastUnit = null;
        var k = i;
        var clause = tokens[i].Clause;
        while (k < tokens.Count && tokens[k].Clause == clause)
        {
            if (ReadNumber(tokens, k, lexicon) is not var (n, afterNumber))
            {
                break;
            }

            // "two or three seconds", "2-3 s": a range up to the second number.
            double? upTo = null;
            var orLength = MatchAt(lexicon.Or, tokens, afterNumber);
            var dash = afterNumber < tokens.Count && afterNumber == k + 1 && tokens[k].IsNumber && tokens[afterNumber].IsNumber
                && text.AsSpan(tokens[k].End, tokens[afterNumber].Start - tokens[k].End).Trim() is "-" or "–";
            if ((orLength > 0 || dash) && ReadNumber(tokens, afterNumber + orLength, lexicon) is var (m, afterSecond) && m > n)
            {
                upTo = m;
                afterNumber = afterSecond;
            }

            var next = afterNumber;
            var half = MatchAt(lexicon.Half, tokens, next);
            if (half > 0)
            {
                next += half;
            }

            var unit = UnitAt(tokens, next, lexicon, out var unitLength);
            if (unit is null || tokens[Math.Min(next, tokens.Count - 1)].Clause != clause)
            {
                // "4h30": a bare number after hours means minutes, after minutes seconds.
                if (lastUnit is { } previous && previous > 1 && half == 0 && upTo is null && tokens[k].IsNumber && !tokens[k].IsClock)
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

            if (upTo is { } top)
            {
                rangeMax = total + top * unit.Value;
            }

            total += value * unit.Value;
            lastUnit = unit;
            end = next - 1;
            if (upTo is not null)
            {
                break;
            }

            k = next + MatchAt(lexicon.And, tokens, next);
        }

        return end >= i ? (total, rangeMax ?? total, end) : null;
    }

    /// <summary>
    /// A clock reading as a duration: "1:02:05" (h:mm:ss), "0:03", or m:ss after a word such as "lasted";
    /// "1:30 h" is h:mm. A time of day ("Sent: 10:32") is none of these.
    /// </summary>
    private static (double Min, double Max, int End)? ReadClock(List<Token> tokens, int i, Lexicon lexicon)
    {
        var token = tokens[i];
        if (!token.IsClock)
        {
            return null;
        }

        var seconds = token.Number!.Value;
        var unit = UnitAt(tokens, i + 1, lexicon, out var unitLength);
        var unitFollows = unit is not null && tokens[i + 1].Clause == token.Clause;
        if (token.ClockParts == 2 && unitFollows && unit == 3600)
        {
            seconds *= 60;
        }

        var announced = false;
        for (var j = Math.Max(0, i - DurationWordWindow); j < i; j++)
        {
            announced |= tokens[j].Sentence == token.Sentence && MatchAt(lexicon.DurationWords, tokens, j) > 0;
        }

        if (token.ClockParts == 3 || token.Text.StartsWith('0') || unitFollows || announced)
        {
            var end = unitFollows ? i + unitLength : i;
            return (seconds, seconds, end);
        }

        return null;
    }

    /// <summary>
    /// A correction word right after what <paramref name="said"/> says (in the next clause, at most the next sentence),
    /// and no new value after it for what the corrected clause said: the writer took it back without a value the reader
    /// can take ("off, I mean on, and the customer answered"). A correction followed by a value for the corrected clause
    /// ("we talked 3 s… sorry, 30 s") corrects that value, not the rest of the clause.
    /// </summary>
    private static bool IsWithdrawn(List<Token> tokens, Found said, SortedSet<int> corrections, List<Found> found)
    {
        var after = corrections.GetViewBetween(said.Last + 1, int.MaxValue);
        if (after.Count == 0)
        {
            return false;
        }

        var correction = after.Min;
        var from = tokens[said.Last];
        var to = tokens[correction];
        for (var k = said.Last + 1; k < correction; k++)
        {
            if (tokens[k].Clause != from.Clause && tokens[k].Clause != to.Clause)
            {
                return false;
            }
        }

        if (to.Sentence - from.Sentence > 1)
        {
            return false;
        }

        // What the corrected clause said; restated after the correction, the correction is about that.
        var corrected = found.Where(f => !f.Tentative && tokens[f.Position].Clause == tokens[said.Position].Clause)
            .Select(f => f.Fact.Id).ToHashSet(StringComparer.Ordinal);
        return !found.Any(f => !f.Tentative && f.Position > correction && tokens[f.Position].Sentence == to.Sentence
            && corrected.Contains(f.Fact.Id));
    }

    /// <summary>A number at <paramref name="k"/> ("3", "three", "twenty five"), and the index after it.</summary>
    private static (double Value, int Next)? ReadNumber(List<Token> tokens, int k, Lexicon lexicon)
    {
        if (k >= tokens.Count || tokens[k].IsClock || Number(tokens[k], lexicon) is not { } n)
        {
            return null;
        }

        // "twenty five", "vingt-cinq", "trenta e cinque": tens, then units.
        if (!tokens[k].IsNumber && n >= 20 && n % 10 == 0)
        {
            var next = k + 1 + MatchAt(lexicon.And, tokens, k + 1);
            if (next < tokens.Count && !tokens[next].IsNumber && Number(tokens[next], lexicon) is { } units && units < 10
                && tokens[next].Clause == tokens[k].Clause)
            {
                return (n + units, next + 1);
            }
        }

        return (n, k + 1);
    }

    private static double? Number(Token token, Lexicon lexicon) =>
        token.Number ?? (lexicon.NumberWords.TryGetValue(token.Text, out var n) ? n : null);

    private static double? UnitAt(List<Token> tokens, int i, Lexicon lexicon, out int length)
    {
        if ((length = MatchAt(lexicon.Hours, tokens, i)) > 0)
        {
            return 3600;
        }

        if ((length = MatchAt(lexicon.Minutes, tokens, i)) > 0)
        {
            return 60;
        }

        return (length = MatchAt(lexicon.Seconds, tokens, i)) > 0 ? 1 : null;
    }

    /// <summary>The length of the longest phrase matching at <paramref name="i"/>, or 0.</summary>
    private static int MatchAt(IReadOnlyList<Phrase> phrases, List<Token> tokens, int i)
    {
        var best = 0;
        if (i >= tokens.Count)
        {
            return 0;
        }

        for (var n = 0; n < phrases.Count; n++)
        {
            var p = phrases[n];
            if (p.Length > best && p.Match(tokens, i) is var length && length > best)
            {
                best = length;
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
            if (start >= 0 && p.Match(tokens, start) == p.Length && tokens[start].Clause == tokens[i].Clause)
            {
                return start;
            }
        }

        return null;
    }

    /// <summary>
    /// A voicemail word next to the duration: in its clause, or earlier in its sentence and not negated
    /// ("a voicemail was left, it lasted 3 s"; not "no voicemail, we talked 3 s").
    /// </summary>
    private static bool NearVoicemail(List<Token> tokens, int start, int end, Lexicon lexicon)
    {
        var clause = tokens[start].Clause;
        for (var j = Math.Max(0, start - VoicemailWindow); j <= Math.Min(tokens.Count - 1, end + VoicemailWindow); j++)
        {
            if ((j >= start && j <= end) || MatchAt(lexicon.VoicemailWords, tokens, j) == 0)
            {
                continue;
            }

            if (tokens[j].Clause == clause || (j < start && tokens[j].Sentence == tokens[start].Sentence && !IsNegated(tokens, j, lexicon)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// What the user wrote that says it: the cue with the rest of its clause, up to <see cref="QuoteReach"/> words on
    /// each side, so the quote reads as a phrase ("wir haben 3 Sekunden gesprochen", not "gesprochen").
    /// </summary>
    private static Evidence Quote(string text, List<Token> tokens, int from, int to)
    {
        var clause = tokens[from].Clause;
        var first = from;
        while (first > 0 && from - first < QuoteReach && tokens[first - 1].Clause == clause)
        {
            first--;
        }

        var last = to;
        while (last < tokens.Count - 1 && last - to < QuoteReach && tokens[last + 1].Clause == clause)
        {
            last++;
        }

        return Evidence.Of(TextKeys.EvidenceText, ("quote", text[tokens[first].Start..tokens[last].End]));
    }

    private const int QuoteReach = 6;
}
