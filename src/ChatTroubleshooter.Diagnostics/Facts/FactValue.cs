using System.Globalization;

namespace ChatTroubleshooter.Diagnostics.Facts;

/// <summary>
/// A known fact value: a symbol (<c>yes</c>, <c>no</c>, <c>inbound</c>…) or a range of seconds.
/// Its wire form is what buttons carry: the symbol, an exact number, or <c>min..max</c> with open ends.
/// </summary>
public sealed record FactValue
{
    private FactValue(string? symbol, double? min, double? max)
    {
        Symbol = symbol;
        Min = min;
        Max = max;
    }

    public string? Symbol { get; }

    /// <summary>Inclusive lower bound in seconds; null when open.</summary>
    public double? Min { get; }

    /// <summary>Inclusive upper bound in seconds; null when open.</summary>
    public double? Max { get; }

    public bool IsRange => Symbol is null;

    public bool IsExact => IsRange && Min is not null && Min == Max;

    public static FactValue Yes { get; } = new("yes", null, null);

    public static FactValue No { get; } = new("no", null, null);

    public static FactValue Of(string symbol) => symbol switch
    {
        "yes" => Yes,
        "no" => No,
        _ => new FactValue(symbol, null, null),
    };

    public static FactValue Of(bool value) => value ? Yes : No;

    public static FactValue Seconds(double seconds) => new(null, seconds, seconds);

    public static FactValue Between(double? min, double? max)
    {
        if (min is null && max is null)
        {
            throw new ArgumentException("A range needs at least one bound.");
        }

        if (min > max)
        {
            throw new ArgumentException($"Empty range {min}..{max}.");
        }

        return new FactValue(null, min, max);
    }

    public FactValue Negate() => Symbol switch
    {
        "yes" => No,
        "no" => Yes,
        _ => this,
    };

    /// <summary>
    /// True when this value lies within <paramref name="other"/>: the same symbol, or a range inside its range
    /// ("4:12:30" within "601..").
    /// </summary>
    public bool IsWithin(FactValue other) => Symbol is not null || other.Symbol is not null
        ? Symbol == other.Symbol
        : (other.Min is null || Min >= other.Min) && (other.Max is null || Max <= other.Max);

    /// <summary>Parses a wire value: <c>yes</c>, <c>12</c>, <c>..4</c>, <c>5..14400</c>, <c>14401..</c>.</summary>
    public static bool TryParse(string? wire, out FactValue value)
    {
        value = Yes;
        if (string.IsNullOrWhiteSpace(wire))
        {
            return false;
        }

        wire = wire.Trim();
        var dots = wire.IndexOf("..", StringComparison.Ordinal);
        if (dots >= 0)
        {
            var left = wire[..dots];
            var right = wire[(dots + 2)..];
            double? min = null, max = null;
            if (left.Length > 0)
            {
                if (!TryNumber(left, out var l)) return false;
                min = l;
            }

            if (right.Length > 0)
            {
                if (!TryNumber(right, out var r)) return false;
                max = r;
            }

            if (min is null && max is null || min > max)
            {
                return false;
            }

            value = new FactValue(null, min, max);
            return true;
        }

        if (TryNumber(wire, out var exact))
        {
            value = Seconds(exact);
            return true;
        }

        foreach (var c in wire)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                return false;
            }
        }

        value = Of(wire);
        return true;
    }

    private static bool TryNumber(string text, out double number) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out number) && number >= 0;

    public string ToWire()
    {
        if (Symbol is not null)
        {
            return Symbol;
        }

        if (IsExact)
        {
            return Format(Min!.Value);
        }

        return $"{(Min is { } min ? Format(min) : "")}..{(Max is { } max ? Format(max) : "")}";
    }

    public override string ToString() => ToWire();

    private static string Format(double n) => n.ToString("0.###", CultureInfo.InvariantCulture);
}
