using System.Globalization;
using System.Text;

namespace ChatTroubleshooter.Diagnostics.Extraction;

/// <summary>
/// A word or number of the user's text: its normalized form and where it stands in the original.
/// <see cref="Clause"/> changes at punctuation, <see cref="Sentence"/> only at the end of a sentence.
/// A clock reading ("1:02:05", "0:03") is one number token in seconds with <see cref="ClockParts"/> set.
/// </summary>
internal readonly record struct Token(string Text, int Start, int End, int Clause, double? Number, int Sentence = 0, int ClockParts = 0)
{
    /// <summary>The line of the text it stands on (0 for the first).</summary>
    public int Line { get; init; }

    /// <summary>Inside quotation marks, or on a quoted line ("&gt; …"): somebody else's words, as the writer reports them.</summary>
    public bool Quoted { get; init; }

    /// <summary>Its clause ends with a question mark.</summary>
    public bool Question { get; init; }

    public bool IsNumber => Number is not null;

    public bool IsClock => ClockParts > 0;
}

/// <summary>
/// Splits text into normalized tokens (lower case, no accents, typographic apostrophes folded),
/// numbers apart from letters ("4h30" → 4, h, 30), French/Italian elisions apart ("l'appel" → l', appel),
/// English "'s" read as "is" ("recording's off" → recording, is, off). Links, e-mail addresses, Slack markup (&lt;@U1&gt;) and
/// emoji shortcodes (:tada:) are not words of the message and are skipped.
/// Punctuation (dashes between words included) starts a new clause, so a negation never reaches across a comma, a dash
/// or a full stop. Each token knows its line, whether it is quoted (quotation marks, a "&gt;" line) and whether its
/// clause is a question.
/// </summary>
public static class Tokenizer
{
    internal static List<Token> Tokenize(string text, bool allowWildcard = false)
    {
        var tokens = new List<Token>();
        var clause = 0;
        var sentence = 0;
        var line = 0;
        var quoted = false;
        var lineQuoted = !allowWildcard && QuoteLine(text, 0) is > 0;
        var i = lineQuoted ? QuoteLine(text, 0) : 0;
        void Add(Token token) => tokens.Add(token with { Line = line, Quoted = quoted || lineQuoted });
        while (i < text.Length)
        {
            var c = text[i];
            if (!allowWildcard && SkipMarkup(text, i) is var skipped && skipped > i)
            {
                i = skipped;
                continue;
            }

            if (c == '\n')
            {
                line++;
                quoted = false;
                lineQuoted = !allowWildcard && QuoteLine(text, i + 1) > 0;
                clause++;
                sentence++;
                i = lineQuoted ? QuoteLine(text, i + 1) : i + 1;
                continue;
            }

            if (!allowWildcard && QuoteMark(c, quoted) is { } opens)
            {
                quoted = opens;
            }

            if (c == '?')
            {
                for (var k = tokens.Count - 1; k >= 0 && tokens[k].Clause == clause; k--)
                {
                    tokens[k] = tokens[k] with { Question = true };
                }
            }

            if (char.IsDigit(c))
            {
                var start = i;
                if (ReadClock(text, ref i) is var (seconds, parts) && parts > 0)
                {
                    Add(new Token(text[start..i], start, i, clause, seconds, sentence, parts));
                    continue;
                }

                while (i < text.Length && char.IsDigit(text[i])) i++;
                // A decimal: "4.5" or "4,5" (a digit must follow the separator).
                if (i + 1 < text.Length && (text[i] == '.' || text[i] == ',') && char.IsDigit(text[i + 1]))
                {
                    i++;
                    while (i < text.Length && char.IsDigit(text[i])) i++;
                }

                var raw = text[start..i].Replace(',', '.');
                var number = double.Parse(raw, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
                Add(new Token(raw, start, i, clause, number, sentence));
                continue;
            }

            if (char.IsLetter(c))
            {
                var start = i;
                var split = -1;
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

                        // "recording's turned off": the word, then "'s".
                        if (i - start > 1 && (text[i + 1] is 's' or 'S') && (i + 2 >= text.Length || !char.IsLetter(text[i + 2])))
                        {
                            split = i;
                            i += 2;
                            break;
                        }

                        i++;
                    }
                    else if (allowWildcard && IsApostrophe(ch) && i + 1 == text.Length && IsElision(text.AsSpan(start, i - start)))
                    {
                        // A lexicon's "n'" or "l'" is the elided word as the text's tokens have it.
                        i++;
                        break;
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

                if (split > 0)
                {
                    Add(new Token(Normalize(text.AsSpan(start, split - start)), start, split, clause, null, sentence));
                    Add(new Token("is", split, i, clause, null, sentence));
                }
                else
                {
                    Add(new Token(Normalize(text.AsSpan(start, i - start)), start, i, clause, null, sentence));
                }

                continue;
            }

            if (IsAbbreviationDot(text, i))
            {
                i++;
                continue;
            }

            if (IsClauseBreak(c) || IsDash(text, i))
            {
                clause++;
            }

            if (IsSentenceBreak(c))
            {
                sentence++;
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

    /// <summary>
    /// "1:02:05" (h:mm:ss) or "3:05" (m:ss): the seconds and the number of parts; (0, 0) when the digits at
    /// <paramref name="i"/> are not a clock reading. <paramref name="i"/> moves past it only when it is one.
    /// </summary>
    private static (double Seconds, int Parts) ReadClock(string text, ref int i)
    {
        var k = i;
        var parts = new List<int>(3);
        while (true)
        {
            var start = k;
            while (k < text.Length && char.IsDigit(text[k])) k++;
            var length = k - start;
            if (length == 0 || length > 2 || (parts.Count > 0 && length != 2))
            {
                return (0, 0);
            }

            parts.Add(int.Parse(text.AsSpan(start, length), CultureInfo.InvariantCulture));
            if (parts.Count < 3 && k + 1 < text.Length && text[k] == ':' && char.IsDigit(text[k + 1]))
            {
                k++;
                continue;
            }

            break;
        }

        if (parts.Count < 2 || (k < text.Length && (char.IsLetterOrDigit(text[k]) || text[k] == ':')) || parts.Skip(1).Any(p => p > 59))
        {
            return (0, 0);
        }

        i = k;
        var seconds = parts.Count == 3 ? parts[0] * 3600 + parts[1] * 60 + parts[2] : parts[0] * 60 + parts[1];
        return (seconds, parts.Count);
    }

    /// <summary>The end of a link, e-mail address, Slack markup or emoji shortcode starting at <paramref name="i"/>; else i.</summary>
    private static int SkipMarkup(string text, int i)
    {
        var c = text[i];
        if (c == '<' && i + 1 < text.Length && text[i + 1] is '@' or '#' or '!' or 'h' or 'm')
        {
            var close = text.IndexOf('>', i + 1);
            if (close > 0 && close - i < 300 && !text.AsSpan(i + 1, close - i - 1).ContainsAny(" \n"))
            {
                return close + 1;
            }
        }

        if (c == ':' && i + 2 < text.Length)
        {
            var k = i + 1;
            var letter = false;
            while (k < text.Length && (char.IsAsciiLetterLower(text[k]) || char.IsAsciiDigit(text[k]) || text[k] is '_' or '+' or '-'))
            {
                letter |= char.IsAsciiLetterLower(text[k]);
                k++;
            }

            if (letter && k < text.Length && text[k] == ':' && k - i <= 40)
            {
                return k + 1;
            }
        }

        if ((i == 0 || !char.IsLetterOrDigit(text[i - 1]))
            && (Starts(text, i, "http://") || Starts(text, i, "https://") || Starts(text, i, "www.")))
        {
            return EndOfWord(text, i);
        }

        if (char.IsLetterOrDigit(c) && (i == 0 || char.IsWhiteSpace(text[i - 1]) || text[i - 1] is '(' or '<'))
        {
            var end = EndOfWord(text, i);
            var at = text.IndexOf('@', i, end - i);
            if (at > i && text.IndexOf('.', at, end - at) > at)
            {
                return end;
            }
        }

        return i;
    }

    private static bool Starts(string text, int i, string prefix) =>
        text.AsSpan(i).StartsWith(prefix, StringComparison.OrdinalIgnoreCase);

    private static int EndOfWord(string text, int i)
    {
        var k = i;
        while (k < text.Length && !char.IsWhiteSpace(text[k]) && text[k] is not ('>' or '|' or ')' or ']' or '"')) k++;
        // A sentence's full stop or comma after a link is not part of it.
        while (k > i && text[k - 1] is '.' or ',' or '!' or '?' or ';' or ':') k--;
        return k;
    }

    private static readonly HashSet<string> ElidedWords =
        ["qu", "un", "dell", "all", "nell", "sull", "dall", "quell", "jusqu", "lorsqu", "puisqu"];

    private static bool IsElision(ReadOnlySpan<char> prefix) =>
        prefix.Length == 1 || ElidedWords.Contains(Normalize(prefix));

    private static bool IsApostrophe(char c) => c is '\'' or '’' or 'ʼ' or '`' or '´';

    /// <summary>
    /// Where a quoted line's words start ("&gt; I called you", Slack's escaped "&amp;gt; …"), after the line's leading
    /// spaces; 0 when the line at <paramref name="i"/> is not quoted.
    /// </summary>
    private static int QuoteLine(string text, int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t') i++;
        return Starts(text, i, "&gt;") ? i + 4 : i < text.Length && text[i] == '>' ? i + 1 : 0;
    }

    /// <summary>Whether a quotation mark opens (true) or closes (false) a quote; null for any other character.</summary>
    private static bool? QuoteMark(char c, bool inQuote) => c switch
    {
        '"' => !inQuote,
        '“' or '„' or '«' => !inQuote || c != '“',
        '”' or '»' => false,
        _ => null,
    };

    /// <summary>A dash between words ("3 s – sorry, 30 s", "open – the number"): a hyphen only with spaces around it.</summary>
    private static bool IsDash(string text, int i) =>
        text[i] is '–' or '—' || (text[i] == '-' && i > 0 && i + 1 < text.Length && text[i - 1] == ' ' && text[i + 1] == ' ');

    private static bool IsClauseBreak(char c) =>
        c is '.' or ',' or ';' or ':' or '!' or '?' or '\n' or '(' or ')' or '¿' or '¡' or '…' or '[' or ']' or '"' or '“' or '”' or '«' or '»';

    /// <summary>
    /// "grab. desactivada", "3 Sek. gesprochen": a dot after a short word, followed by a lower-case word, shortens
    /// a word and ends nothing.
    /// </summary>
    private static bool IsAbbreviationDot(string text, int i)
    {
        if (text[i] != '.' || i == 0 || !char.IsLetter(text[i - 1]))
        {
            return false;
        }

        var start = i;
        while (start > 0 && char.IsLetter(text[start - 1])) start--;
        var next = i + 1;
        if (next >= text.Length || text[next] != ' ')
        {
            return false;
        }

        while (next < text.Length && text[next] == ' ') next++;
        return i - start is >= 2 and <= 5 && next < text.Length && char.IsLower(text[next]);
    }

    private static bool IsSentenceBreak(char c) => c is '.' or '!' or '?' or '\n' or '…' or ';';
}
