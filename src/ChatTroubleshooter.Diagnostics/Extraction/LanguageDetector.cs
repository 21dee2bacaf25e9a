namespace ChatTroubleshooter.Diagnostics.Extraction;

/// <summary>
/// Recognises the language of a message by counting its words that are frequent words of each language
/// (lexicons' <c>words</c>). It answers only when sure: at least 3 words, at least 2 of them recognised for the
/// best language, and the best language ahead of the runner-up by half its score or more (and by 2 words).
/// A lightweight detector keeps start-up instant; Lingua's models were not worth their size for 7 languages
/// in a narrow domain.
/// </summary>
internal static class LanguageDetector
{
    public const int MinimumWords = 3;

    public static string? Detect(IReadOnlyList<Token> tokens, IReadOnlyDictionary<string, Lexicon> lexicons)
    {
        var words = tokens.Where(t => !t.IsNumber).ToArray();
        if (words.Length < MinimumWords)
        {
            return null;
        }

        string? best = null;
        int bestScore = 0, secondScore = 0;
        foreach (var (language, lexicon) in lexicons)
        {
            var score = 0;
            foreach (var token in words)
            {
                if (lexicon.Words.Contains(token.Text))
                {
                    score++;
                }
            }

            if (score > bestScore)
            {
                secondScore = bestScore;
                bestScore = score;
                best = language;
            }
            else if (score > secondScore)
            {
                secondScore = score;
            }
        }

        var confident = bestScore >= 2 && bestScore - secondScore >= 2 && bestScore * 2 >= secondScore * 3;
        return confident ? best : null;
    }
}
