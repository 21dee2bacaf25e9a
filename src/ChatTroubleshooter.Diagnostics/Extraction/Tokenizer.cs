using System.Globalization;
using System.Text;

namespace ChatTroubleshooter.Diagnostics.Extraction;

/// <summary>A word or number of the user's text: its normalized form and where it stands in the original.</summary>
internal readonly record struct Token(string Text, int Start, int End, int Clause, double? Number)
{
    public bool IsNumber => Number is not null;
}

/// <summary>
/// Splits text into normalized tokens (lower case, no accents, typographic apostrophes folded),
/// numbers apart from letters ("4h30" → 4, h, 30), French/Italian elisions apart ("l'appel" → l', appel).
/// Punctuation starts a new clause, so a negation never reaches across a comma or a full stop.
/// </summary>
public static class Tokenizer
{
    internal static List<Token> Tokenize(string text, bool allowWildcard = false)
    {
        var tokens = new List<Token>();
        var clause = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsDigit(c))
            {
                var start = i;
                while (i < text.Length && char.IsDigit(text[i])) i++;
                // A decimal: "4.5" or "4,5" (a digit must follow the separator).
                if (i + 1 < text.Length && (text[i] == '.' || text[i] == ',') && char.IsDigit(text[i + 1]))
                {
                    i++;
                    while (i < text.Length && char.IsDigit(text[i])) i++;
                }

                var raw = text[start..i].Replace(',', '.');
                var number = double.Parse(raw, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
                tokens.Add(new Token(raw, start, i, clause, number));
                continue;
            }

            if (char.IsLetter(c))
            {
                var start = i;
                while (i < text.Length)
                {
                    var ch = text[i];
                    if (char.IsLetter(ch) || char.GetUnicodeCategory(ch) == UnicodeCategory.NonSpacingMark)
                    {
                        i++;
                    }
                    else if (IsApostrophe(ch) && i + 1 < text.Length && char.IsLetter(text[i + 1]))
                    {
                        // "l'appel", "n'a", "un'ora": an elided article or pronoun stands alone; "didn't" stays whole.
                        if (IsElision(text.AsSpan(start, i - start)))
                        {
                            i++;
                            break;
                        }

                        i++;
                    }
                    else
                    {
                        break;
                    }
                }

                if (allowWildcard && i < text.Length && text[i] == '*')
                {
                    i++;
                }

                tokens.Add(new Token(Normalize(text.AsSpan(start, i - start)), start, i, clause, null));
                continue;
            }

            if (IsClauseBreak(c))
            {
                clause++;
            }

            i++;
        }

        return tokens;
    }

    public static string Normalize(ReadOnlySpan<char> word)
    {
        var decomposed = word.ToString().Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var ch in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (IsApostrophe(ch))
            {
                sb.Append('\'');
            }
            else if (ch == 'ß')
            {
                sb.Append("ss");
            }
            else
            {
                sb.Append(char.ToLowerInvariant(ch));
            }
        }

        return sb.ToString();
    }

    private static readonly HashSet<string> ElidedWords =
        ["qu", "un", "dell", "all", "nell", "sull", "dall", "quell", "jusqu", "lorsqu", "puisqu"];

    private static bool IsElision(ReadOnlySpan<char> prefix) =>
        prefix.Length == 1 || ElidedWords.Contains(Normalize(prefix));

    private static bool IsApostrophe(char c) => c is '\'' or '’' or 'ʼ' or '`' or '´';

    private static bool IsClauseBreak(char c) => c is '.' or ',' or ';' or ':' or '!' or '?' or '\n' or '(' or ')' or '¿' or '¡';
}
