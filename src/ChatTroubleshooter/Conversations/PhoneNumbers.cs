using System.Text.RegularExpressions;

namespace ChatTroubleshooter.Conversations;

/// <summary>Masks customer phone numbers in text meant for a channel or for stats.</summary>
public static partial class PhoneNumbers
{
    /// <summary>"+33 6 12 34 56 78" → "+•••••••78": keeps only the last two digits.</summary>
    public static string Mask(string text) => PhoneNumber().Replace(text, m =>
    {
        var digits = m.Value.Count(char.IsDigit);
        return digits < 8 ? m.Value : (m.Value.StartsWith('+') ? "+" : "") + "•••••••" + m.Value[^2..];
    });

    // International (+…) numbers, or 4+ groups of digits separated by spaces or dots ("06 12 34 56 78"), with
    // 8 digits or more: phone-like. Bare runs of digits (call ids), dates and times are left alone.
    [GeneratedRegex(@"\+\d[\d\s().\-]{6,}\d|(?<![\w+:\-])\d{1,4}(?:[ .]\d{2,4}){3,}(?![\w:\-])")]
    private static partial Regex PhoneNumber();
}
