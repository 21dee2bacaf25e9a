namespace ChatTroubleshooter.Diagnostics.Extraction;

/// <summary>
/// A lexicon phrase: normalized words matched in order within one clause.
/// <list type="bullet">
/// <item>a word ending in <c>*</c> matches any word it starts ("deactivat*");</item>
/// <item><c>a|b|c</c> matches any one of its words ("recording|rec");</item>
/// <item><c>...</c> skips up to <see cref="MaxGap"/> words ("recording ... off" reads "recording was turned off").</item>
/// </list>
/// </summary>
internal sealed class Phrase
{
    /// <summary>How many words a <c>...</c> may skip.</summary>
    public const int MaxGap = 5;

    private const string Gap = "...";

    /// <summary>Each slot: the words it accepts, or null for a gap.</summary>
    private readonly string[]?[] _slots;

    public Phrase(string source)
    {
        Source = source;
        var slots = new List<string[]?>();
        foreach (var part in source.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == Gap)
            {
                slots.Add(null);
                continue;
            }

            if (part.Contains('|', StringComparison.Ordinal))
            {
                var words = part.Split('|', StringSplitOptions.RemoveEmptyEntries)
                    .Select(w => Tokenizer.Tokenize(w, allowWildcard: true))
                    .ToArray();
                // An alternative must be one word; otherwise the phrase is invalid (IsEmpty) and the loader says so.
                if (words.Any(w => w.Count != 1))
                {
                    slots.Clear();
                    break;
                }

                slots.Add(words.Select(w => w[0].Text).ToArray());
                continue;
            }

            slots.AddRange(Tokenizer.Tokenize(part, allowWildcard: true).Select(t => new[] { t.Text }));
        }

        // A gap at either end means nothing.
        while (slots.Count > 0 && slots[0] is null) slots.RemoveAt(0);
        while (slots.Count > 0 && slots[^1] is null) slots.RemoveAt(slots.Count - 1);
        _slots = [.. slots];
        Length = _slots.Count(s => s is not null);
        HasGap = _slots.Any(s => s is null);
    }

    public string Source { get; }

    /// <summary>The number of words (gaps not counted): the fewest tokens a match takes.</summary>
    public int Length { get; }

    public bool HasGap { get; }

    public bool IsEmpty => Length == 0;

    /// <summary>The words it can start with (a word ending in <c>*</c> is a prefix).</summary>
    public IReadOnlyList<string> FirstWords => _slots.Length == 0 ? [] : _slots[0]!;

    /// <summary>Every word the phrase names (for language detection).</summary>
    public IEnumerable<string> Words => _slots.Where(s => s is not null).SelectMany(s => s!).Select(w => w.TrimEnd('*'));

    /// <summary>True when the phrase matches the tokens starting at <paramref name="start"/>, within one clause.</summary>
    public bool MatchesAt(IReadOnlyList<Token> tokens, int start) => Match(tokens, start) > 0;

    /// <summary>
    /// How many tokens the shortest match starting at <paramref name="start"/> takes (words and skipped words),
    /// or 0 when it does not match there. <paramref name="skipped"/>, when given, receives the skipped positions.
    /// </summary>
    public int Match(IReadOnlyList<Token> tokens, int start, List<int>? skipped = null)
    {
        if (_slots.Length == 0 || start + Length > tokens.Count || !StartsWith(tokens[start].Text))
        {
            return 0;
        }

        var gaps = skipped ?? (HasGap ? [] : null);
        var end = MatchFrom(tokens, start, 0, tokens[start].Clause, gaps);
        // "no recording because recording was off": the match starts at the last word that can start it.
        if (end >= 0 && gaps is not null && gaps.Any(k => StartsWith(tokens[k].Text)))
        {
            return 0;
        }

        return end < 0 ? 0 : end - start;
    }

    /// <summary>True when one of <paramref name="others"/> occurs inside this phrase (any of its alternatives).</summary>
    public bool Contains(IEnumerable<Phrase> others)
    {
        var words = _slots.Where(s => s is not null).Select(s => s!).ToArray();
        var tokens = words.Select((w, i) => new Token(w[0], i, i + 1, 0, null)).ToArray();
        return others.Any(o => Enumerable.Range(0, tokens.Length).Any(i => o.MatchesAt(tokens, i)))
            || others.Where(o => o.Length == 1).Any(o => words.Any(slot => slot.Any(w => o.MatchesWord(w))));
    }

    /// <summary>True when <paramref name="word"/> is one the phrase's first word accepts.</summary>
    private bool StartsWith(string word)
    {
        foreach (var pattern in _slots[0]!)
        {
            if (WordMatches(pattern, word))
            {
                return true;
            }
        }

        return false;
    }

    private bool MatchesWord(string word) => _slots.Length == 1 && StartsWith(word);

    /// <summary>The index after the match of slots from <paramref name="slot"/> at token <paramref name="at"/>, or -1.</summary>
    private int MatchFrom(IReadOnlyList<Token> tokens, int at, int slot, int clause, List<int>? skipped)
    {
        if (slot == _slots.Length)
        {
            return at;
        }

        if (_slots[slot] is not { } words)
        {
            for (var gap = 0; gap <= MaxGap && at + gap < tokens.Count && tokens[at + gap].Clause == clause; gap++)
            {
                var mark = skipped?.Count ?? 0;
                for (var k = 0; k < gap; k++) skipped?.Add(at + k);
                var end = MatchFrom(tokens, at + gap, slot + 1, clause, skipped);
                if (end >= 0)
                {
                    return end;
                }

                skipped?.RemoveRange(mark, skipped.Count - mark);
            }

            return -1;
        }

        if (at >= tokens.Count || tokens[at].Clause != clause)
        {
            return -1;
        }

        var text = tokens[at].Text;
        foreach (var word in words)
        {
            if (WordMatches(word, text))
            {
                return MatchFrom(tokens, at + 1, slot + 1, clause, skipped);
            }
        }

        return -1;
    }

    private static bool WordMatches(string pattern, string word) =>
        pattern.EndsWith('*')
            ? word.StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal)
            : pattern == word;
}
