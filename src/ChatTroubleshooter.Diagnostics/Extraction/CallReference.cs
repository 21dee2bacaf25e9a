using System.Text.RegularExpressions;

namespace ChatTroubleshooter.Diagnostics.Extraction;

/// <summary>
/// Finds an Aircall call id in text: a dashboard/app/phone link, an API link, an asset link, or a bare run of
/// 6 to 19 digits. Phone numbers are not ids: a run after '+', or one that starts with 0, is skipped.
/// </summary>
public static partial class CallReference
{
    public static string? FindCallId(string text)
    {
        foreach (var regex in new[] { AppLink(), ApiLink(), AssetLink() })
        {
            var m = regex.Match(text);
            if (m.Success)
            {
                return m.Groups.Values.Skip(1).First(g => g.Success).Value;
            }
        }

        foreach (Match m in BareId().Matches(text))
        {
            if (m.Value[0] != '0')
            {
                return m.Value;
            }
        }

        return null;
    }

    /// <summary>True when the text holds a call SID (CA + 32 hex), which the API cannot look up.</summary>
    public static bool HasSid(string text) => Sid().IsMatch(text);

    [GeneratedRegex(@"(?:dashboard|app|phone)\.aircall\.io/calls?/(\d{1,19})(?!\d)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AppLink();

    [GeneratedRegex(@"api\.aircall\.io/v\d/calls/(\d{1,19})(?!\d)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ApiLink();

    [GeneratedRegex(@"assets\.aircall\.io/(?:calls/(\d{1,19})/(?:recording|voicemail)|(?:recording|voicemail)/(\d{1,19}))(?!\d)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AssetLink();

    // Not after '+', a digit, or a digit group separator that makes it part of a phone number ("+33 1 76 11 11 11").
    [GeneratedRegex(@"(?<![\d+\-./])(?<!\d[ \-.])\d{6,19}(?![\d])(?![ \-.]\d)", RegexOptions.CultureInvariant)]
    private static partial Regex BareId();

    [GeneratedRegex(@"\bCA[0-9a-f]{32}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Sid();
}
