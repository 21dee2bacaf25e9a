using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ChatTroubleshooter.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Audit;

/// <summary>Report links (environment form: <c>Reports__SigningKey</c>, <c>Reports__PublicBaseUrl</c>).</summary>
public sealed class ReportsOptions
{
    public const string Section = "Reports";

    /// <summary>The HMAC key of report links; none: a random key for this process (links end with it).</summary>
    public string? SigningKey { get; set; }

    /// <summary>The links' host, as users reach the bot; none: the address the bot listens on.</summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>How long a report's links work.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>
/// An audit's chart (PNG, drawn with ScottPlot in the user's language) and CSV (RFC 4180, UTF-8, one row per call of the
/// period without a recording), kept in the store and served at links signed with an expiry: a forged, altered or
/// expired link is a 404, like a report that does not exist.
/// </summary>
internal sealed class AuditReports(IAuditStore store, Knowledge knowledge, IOptions<ReportsOptions> options, IEnumerable<IServer> servers, TimeProvider time)
{
    public const string Route = "/reports/{file}";
    public const int ChartWidth = 800;
    public const int ChartHeight = 400;

    /// <summary>
    /// Whether the links reach the bot from the internet (an https <c>Reports__PublicBaseUrl</c>): Slack and Teams fetch
    /// a card's image themselves, so the chart is shown in the card only then (the CSV link is opened by the user).
    /// </summary>
    public bool LinksArePublic => options.Value.PublicBaseUrl is { Scheme: "https" } url && !url.IsLoopback;

    private readonly byte[] _key = options.Value.SigningKey is { Length: > 0 } key ? Encoding.UTF8.GetBytes(key) : RandomNumberGenerator.GetBytes(32);

    public async Task<(string Chart, string Csv)> SaveAsync(AuditWork work, AuditResult result, CancellationToken ct)
    {
        var expires = time.GetUtcNow() + options.Value.LinkLifetime;
        var chart = $"{work.AuditId}.png";
        var csv = $"{work.AuditId}.csv";
        await store.SaveFileAsync(chart, Chart(work, result), expires, ct);
        var rows = (await store.RowsAsync(work.AuditId, ct)).SelectMany(json => System.Text.Json.JsonSerializer.Deserialize(json, AuditJson.Default.ListAuditRow) ?? []).ToList();
        await store.SaveFileAsync(csv, Csv(rows), expires, ct);
        return (Link(chart, expires), Link(csv, expires));
    }

    /// <summary>The file a link names, when its signature is right and it has not expired; null otherwise.</summary>
    public async Task<byte[]?> OpenAsync(string file, string? expires, string? signature, CancellationToken ct)
    {
        if (!long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var until)
            || signature is not { Length: 64 } || !IsHex(signature)
            || !CryptographicOperations.FixedTimeEquals(Convert.FromHexString(signature), Sign(file, until))
            || DateTimeOffset.FromUnixTimeSeconds(until) <= time.GetUtcNow())
        {
            return null;
        }

        return await store.FileAsync(file, time.GetUtcNow(), ct);
    }

    private string Link(string file, DateTimeOffset expires)
    {
        var until = expires.ToUnixTimeSeconds();
        var root = options.Value.PublicBaseUrl?.ToString()
            ?? servers.FirstOrDefault()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? "http://localhost:3978";
        return string.Create(CultureInfo.InvariantCulture,
            $"{root.TrimEnd('/')}/reports/{file}?expires={until}&sig={Convert.ToHexStringLower(Sign(file, until))}");
    }

    private byte[] Sign(string file, long until) => HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{file}\n{until}")));

    private static bool IsHex(string text) => text.AsSpan().IndexOfAnyExcept("0123456789abcdefABCDEF") < 0;

    /// <summary>Calls without a recording by cause (confirmed, then possible), and those not expected to have one.</summary>
    private byte[] Chart(AuditWork work, AuditResult result)
    {
        var texts = knowledge.Texts;
        var language = work.Language;
        var causes = work.State.Causes;
        var plot = new ScottPlot.Plot();
        var bars = new List<ScottPlot.Bar>();
        var ticks = new List<ScottPlot.Tick>();
        for (var i = 0; i < causes.Count; i++)
        {
            var cause = causes[causes.Count - 1 - i];
            bars.Add(new ScottPlot.Bar { Position = i, ValueBase = 0, Value = cause.Confirmed, FillColor = ScottPlot.Color.FromHex("#C0392B"), Orientation = ScottPlot.Orientation.Horizontal });
            bars.Add(new ScottPlot.Bar
            {
                Position = i,
                ValueBase = cause.Confirmed,
                Value = cause.Confirmed + cause.Possible,
                FillColor = ScottPlot.Color.FromHex("#F5B7B1"),
                Orientation = ScottPlot.Orientation.Horizontal,
            });
            ticks.Add(new ScottPlot.Tick(i, Shorten(texts.Get(language, $"cause.{cause.Cause}.title"))));
        }

        var expected = causes.Count;
        bars.Add(new ScottPlot.Bar { Position = expected, Value = work.State.ExpectedWithout, FillColor = ScottPlot.Color.FromHex("#AAB7B8"), Orientation = ScottPlot.Orientation.Horizontal });
        ticks.Add(new ScottPlot.Tick(expected, Shorten(texts.Get(language, Diagnostics.Texts.TextKeys.AuditChartExpected))));
        plot.Add.Bars(bars);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.Margins(left: 0);
        plot.Title(Shorten(result.Title, 90));
        plot.XLabel(texts.Get(language, Diagnostics.Texts.TextKeys.AuditChartAxis));
        return plot.GetImageBytes(ChartWidth, ChartHeight, ScottPlot.ImageFormat.Png);
    }

    private static string Shorten(string text, int max = 40) => text.Length <= max ? text : text[..(max - 1)] + "…";

    /// <summary>RFC 4180: a header, CRLF line ends, fields quoted when they hold a comma, a quote or a line break.</summary>
    internal static byte[] Csv(IReadOnlyList<AuditRow> rows)
    {
        var csv = new StringBuilder("call_id,dashboard_url,started_at,direction,agent,talk_seconds,expected_recording,confirmed_causes,possible_causes,evidence\r\n");
        foreach (var row in rows)
        {
            var id = row.CallId.ToString(CultureInfo.InvariantCulture);
            string[] fields =
            [
                id,
                Conversations.CallLinks.Dashboard(id),
                DateTimeOffset.FromUnixTimeSeconds(row.StartedAt).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                row.Direction ?? "",
                row.Agent ?? "",
                row.TalkSeconds?.ToString(CultureInfo.InvariantCulture) ?? "",
                row.ExpectedRecording ? "yes" : "no",
                string.Join(';', row.Confirmed),
                string.Join(';', row.Possible),
                row.Evidence,
            ];
            csv.AppendJoin(',', fields.Select(Field)).Append("\r\n");
        }

        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(csv.ToString());
    }

    private static string Field(string value)
    {
        // A cell a spreadsheet would run as a formula is kept as text.
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' && !double.TryParse(value, CultureInfo.InvariantCulture, out _))
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
