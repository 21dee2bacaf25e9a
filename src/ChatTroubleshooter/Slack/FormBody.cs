using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace ChatTroubleshooter.Slack;

/// <summary>
/// Fields of an <c>application/x-www-form-urlencoded</c> body (Slack's slash commands and interactions), read
/// straight from the bytes that were signed: only the fields asked for are decoded, and nothing is copied into a
/// collection first. Decoding follows the WHATWG URL standard: <c>+</c> is a space, <c>%XX</c> a byte, the bytes are
/// UTF-8 (invalid sequences become U+FFFD), and a <c>%</c> not followed by two hex digits stays as it is.
/// When a name occurs more than once, the first occurrence counts.
/// </summary>
internal readonly struct FormBody(ReadOnlyMemory<byte> body)
{
    public string? this[string name] => TryGet(name, out var value) ? value : null;

    public bool TryGet(string name, [NotNullWhen(true)] out string? value)
    {
        var rest = body.Span;
        while (!rest.IsEmpty)
        {
            var amp = rest.IndexOf((byte)'&');
            var pair = amp < 0 ? rest : rest[..amp];
            rest = amp < 0 ? default : rest[(amp + 1)..];
            var eq = pair.IndexOf((byte)'=');
            var key = eq < 0 ? pair : pair[..eq];
            if (NameEquals(key, name))
            {
                value = Decode(eq < 0 ? default : pair[(eq + 1)..]);
                return true;
            }
        }

        value = null;
        return false;
    }

    private static bool NameEquals(ReadOnlySpan<byte> key, string name)
    {
        // Plain names (all of Slack's) are compared without decoding.
        return key.IndexOfAny((byte)'%', (byte)'+') < 0 ? Ascii.Equals(key, name) : Decode(key) == name;
    }

    public static string Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.IndexOfAny((byte)'%', (byte)'+') < 0)
        {
            return Encoding.UTF8.GetString(encoded);
        }

        var rented = ArrayPool<byte>.Shared.Rent(encoded.Length);
        try
        {
            var length = 0;
            for (var i = 0; i < encoded.Length; i++)
            {
                var b = encoded[i];
                if (b == (byte)'+')
                {
                    b = (byte)' ';
                }
                else if (b == (byte)'%' && i + 2 < encoded.Length && IsHex(encoded[i + 1]) && IsHex(encoded[i + 2]))
                {
                    b = (byte)((HexValue(encoded[i + 1]) << 4) | HexValue(encoded[i + 2]));
                    i += 2;
                }

                rented[length++] = b;
            }

            return Encoding.UTF8.GetString(rented, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
