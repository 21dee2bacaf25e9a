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

    private const string Prefix = "v0=";

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

        // "v0=" and 64 hex digits; parsed into bytes so the secret-dependent comparison is over the MAC alone.
        Span<byte> actual = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (signature.Length != Prefix.Length + (2 * HMACSHA256.HashSizeInBytes) || !signature.StartsWith(Prefix, StringComparison.Ordinal)
            || Convert.FromHexString(signature.AsSpan(Prefix.Length), actual, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != actual.Length)
        {
            return SlackSignatureResult.Invalid;
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Mac(timestamp, body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, actual) ? SlackSignatureResult.Valid : SlackSignatureResult.Invalid;
    }

    /// <summary><c>v0=</c> + lowercase hex HMAC-SHA256 of <c>v0:{timestamp}:{body}</c>, as ASCII bytes.</summary>
    public byte[] Compute(string timestamp, ReadOnlySpan<byte> body)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Mac(timestamp, body, mac);
        return Encoding.ASCII.GetBytes(Prefix + Convert.ToHexStringLower(mac));
    }

    /// <summary>HMAC-SHA256 of <c>v0:{timestamp}:{body}</c>, built in one pooled buffer.</summary>
    private void Mac(string timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        var key = _key ?? throw new InvalidOperationException("No signing secret.");
        var length = 4 + Encoding.UTF8.GetByteCount(timestamp) + body.Length;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var message = buffer.AsSpan(0, length);
            "v0:"u8.CopyTo(message);
            var written = 3 + Encoding.UTF8.GetBytes(timestamp, message[3..]);
            message[written++] = (byte)':';
            body.CopyTo(message[written..]);
            HMACSHA256.HashData(key, message, destination);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
