using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ChatTroubleshooter.Packaging;

/// <summary>
/// Draws the Teams app icons reproducibly (no image library): a "no recording" symbol, a record dot in a ring
/// crossed by a slash. <c>color.png</c> is 192×192 on the accent colour, <c>outline.png</c> 32×32 white on
/// transparent, as Teams requires. Edges are anti-aliased by 4×4 supersampling.
/// </summary>
internal static class PngIcon
{
    public const int ColorSize = 192;
    public const int OutlineSize = 32;

    private static readonly (byte R, byte G, byte B) Accent = (0x44, 0x64, 0xEE);

    public static byte[] Color() => Encode(ColorSize, (coverage, _, _) =>
    {
        // White symbol over the accent colour, fully opaque.
        var r = (byte)(Accent.R + (255 - Accent.R) * coverage);
        var g = (byte)(Accent.G + (255 - Accent.G) * coverage);
        var b = (byte)(Accent.B + (255 - Accent.B) * coverage);
        return (r, g, b, 255);
    });

    public static byte[] Outline() => Encode(OutlineSize, (coverage, _, _) => (255, 255, 255, (byte)Math.Round(255 * coverage)));

    /// <summary>How much of the pixel the symbol covers (0..1), for a symbol scaled to <paramref name="size"/>.</summary>
    internal static double Coverage(int size, int x, int y)
    {
        const int samples = 4;
        var hits = 0;
        for (var sy = 0; sy < samples; sy++)
        {
            for (var sx = 0; sx < samples; sx++)
            {
                // Coordinates in a unit square, centre (0.5, 0.5).
                var u = (x + (sx + 0.5) / samples) / size;
                var v = (y + (sy + 0.5) / samples) / size;
                if (InSymbol(u, v, size))
                {
                    hits++;
                }
            }
        }

        return hits / (double)(samples * samples);
    }

    private static bool InSymbol(double u, double v, int size)
    {
        var dx = u - 0.5;
        var dy = v - 0.5;
        var d = Math.Sqrt(dx * dx + dy * dy);
        // Strokes of a ninth of the icon: at 32 px (Teams' app bar shows the colour icon that small) the thinner
        // strokes and the wide gap around the slash broke the dot into specks and the glyph faded out.
        var stroke = size <= 32 ? 0.11 : 0.09;
        var ring = Math.Abs(d - 0.33) <= stroke / 2;
        var dot = d <= 0.15;
        // The slash, from bottom-left to top-right, stopping at the ring.
        var onSlash = Math.Abs(dx + dy) / Math.Sqrt(2) <= stroke / 2 && d <= 0.33;
        // A gap around the slash keeps the dot and the slash apart; at 32 px a gap would cut the dot into slivers.
        var nearSlash = size > 32 && Math.Abs(dx + dy) / Math.Sqrt(2) <= stroke;
        return ring || onSlash || (dot && !nearSlash);
    }

    private static byte[] Encode(int size, Func<double, int, int, (byte R, byte G, byte B, byte A)> paint)
    {
        // Raw scanlines, filter byte 0 (None) + RGBA pixels.
        var raw = new byte[size * (1 + size * 4)];
        for (var y = 0; y < size; y++)
        {
            var row = y * (1 + size * 4);
            raw[row] = 0;
            for (var x = 0; x < size; x++)
            {
                var (r, g, b, a) = paint(Coverage(size, x, y), x, y);
                var i = row + 1 + x * 4;
                raw[i] = r;
                raw[i + 1] = g;
                raw[i + 2] = b;
                raw[i + 3] = a;
            }
        }

        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, size);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), size);
        header[8] = 8; // bit depth
        header[9] = 6; // colour type RGBA
        Chunk(png, "IHDR", header);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                zlib.Write(raw);
            }

            Chunk(png, "IDAT", compressed.ToArray());
        }

        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(buffer, data.Length);
        png.Write(buffer);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        png.Write(typeBytes);
        png.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(buffer, Crc32([.. typeBytes, .. data]));
        png.Write(buffer);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
