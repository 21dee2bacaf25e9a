namespace ChatTroubleshooter.Diagnostics.Extraction;

/// <summary>A lexicon phrase as normalized words; a word ending in <c>*</c> matches any word it starts.</summary>
internal sealed class Phrase
{
    private readonly string[] _words;

    public Phrase(string source)
    {
        Source = source;
        _words = Tokenizer.Tokenize(source, allowWildcard: true).Select(t => t.Text).ToArray();
    }

    public string Source { get; }

    public int Length => _words.Length;

    public bool IsEmpty => _words.Length == 0;

    /// <summary>True when the phrase matches the tokens starting at <paramref name="start"/>, within one clause.</summary>
    public bool MatchesAt(IReadOnlyList<Token> tokens, int start)
    {
        if (_words.Length == 0 || start + _words.Length > tokens.Count)
        {
            return false;
        }

        var clause = tokens[start].Clause;
        for (var k = 0; k < _words.Length; k++)
        {
            var token = tokens[start + k];
            if (token.Clause != clause || !WordMatches(_words[k], token.Text))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when one of <paramref name="others"/> occurs inside this phrase.</summary>
    public bool Contains(IEnumerable<Phrase> others)
    {
        var tokens = _words.Select((w, i) => new Token(w, i, i + 1, 0, null)).ToArray();
        return others.Any(o => Enumerable.Range(0, tokens.Length).Any(i => o.MatchesAt(tokens, i)));
    }

    private static bool WordMatches(string pattern, string word) =>
        pattern.EndsWith('*')
            ? word.StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal)
            : pattern == word;
}
