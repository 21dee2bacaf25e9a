using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ChatTroubleshooter.Slack;

public enum SlackSignatureResult
{
    Valid,
    NotConfigured,
    MissingHeaders,
    StaleOrFuture,
    Invalid,
}

/// <summary>
/// Verifies Slack's request signature ("Verifying requests from Slack"): HMAC-SHA256 over
/// <c>v0:{timestamp}:{raw body}</c> with the signing secret, compared in constant time, and the timestamp within
/// 5 minutes of now in either direction (replay protection). Ported from slack_sdk's SignatureVerifier.
/// </summary>
public sealed class SlackSignature(string? signingSecret, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private readonly byte[]? _key = string.IsNullOrEmpty(signingSecret) ? null : Encoding.UTF8.GetBytes(signingSecret);

    public SlackSignatureResult Verify(string? timestamp, string? signature, ReadOnlySpan<byte> body)
    {
        if (_key is null)
        {
            return SlackSignatureResult.NotConfigured;
        }

        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return SlackSignatureResult.MissingHeaders;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(time.GetUtcNow().ToUnixTimeSeconds() - seconds) > (long)Window.TotalSeconds)
        {
            return SlackSignatureResult.StaleOrFuture;
        }

        var expected = Compute(timestamp, body);
        var actual = Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, actual) ? SlackSignatureResult.Valid : SlackSignatureResult.Invalid;
    }

    /// <summary><c>v0=</c> + lowercase hex HMAC-SHA256 of <c>v0:{timestamp}:{body}</c>, as ASCII bytes.</summary>
    public byte[] Compute(string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"v0:{timestamp}:");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(_key ?? throw new InvalidOperationException("No signing secret."), message);
        return Encoding.ASCII.GetBytes("v0=" + Convert.ToHexStringLower(mac));
    }
}
