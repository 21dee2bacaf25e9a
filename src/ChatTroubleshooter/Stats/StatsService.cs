using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Places;
using ChatTroubleshooter.Diagnostics;
using ChatTroubleshooter.Diagnostics.Evaluation;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Diagnostics.Texts;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Stats;

public sealed class StatsOptions
{
    public const string Section = "Stats";

    [Range(1, 50)]
    public int Top { get; set; } = 5;
}

/// <summary>The figures of one time window.</summary>
public sealed record StatsWindow(
    int Days,
    int Diagnoses,
    IReadOnlyList<(string CauseId, int Count)> TopCauses,
    double ZeroQuestionShare,
    double MedianQuestions,
    int Feedbacks,
    double HelpfulRate,
    IReadOnlyList<(string Input, int Count)> UnknownInputs);

/// <summary>What breaks recordings most, from the diagnosis log and the feedback.</summary>
public static class StatsCalculator
{
    public static StatsWindow Compute(IReadOnlyList<DiagnosisRecord> diagnoses, IReadOnlyList<FeedbackRecord> feedback, DateTimeOffset now, int days, int top)
    {
        var since = now.AddDays(-days);
        var window = diagnoses.Where(d => d.At >= since).ToList();
        var votes = feedback.Where(f => f.At >= since).ToList();
        var questions = window.Select(d => d.Questions).Order().ToList();
        var median = questions.Count == 0 ? 0
            : questions.Count % 2 == 1 ? questions[questions.Count / 2]
            : (questions[questions.Count / 2 - 1] + questions[questions.Count / 2]) / 2.0;
        return new StatsWindow(
            days,
            window.Count,
            window.Where(d => d.Kind == nameof(DiagnosisKind.Confirmed)).SelectMany(d => d.CauseIds)
                .GroupBy(c => c).Select(g => (g.Key, g.Count())).OrderByDescending(g => g.Item2).ThenBy(g => g.Key, StringComparer.Ordinal).Take(top).ToList(),
            window.Count == 0 ? 0 : window.Count(d => d.Questions == 0) / (double)window.Count,
            median,
            votes.Count,
            votes.Count == 0 ? 0 : votes.Count(f => f.Helpful) / (double)votes.Count,
            window.Where(d => d.Kind == nameof(DiagnosisKind.NoKnownCause) && !string.IsNullOrWhiteSpace(d.Input))
                .GroupBy(d => d.Input!.Trim().ToLowerInvariant()).Select(g => (g.MaxBy(d => d.At)!.Input!.Trim(), g.Count()))
                .OrderByDescending(g => g.Item2).ThenBy(g => g.Item1, StringComparer.Ordinal).Take(top).ToList());
    }
}

/// <summary><c>stats</c>: what breaks recordings most, for admins (and a polite refusal for everyone else).</summary>
public sealed class StatsService(
    IDiagnosisLog diagnoses,
    IFeedbackStore feedback,
    Admins admins,
    Knowledge knowledge,
    TimeProvider time,
    IOptions<StatsOptions> options) : ITurnCommand
{
    public const string Command = "stats";

    public async Task<TurnOutcome?> TryAsync(Turn turn, string text, string language, CancellationToken ct) =>
        string.Equals(text.Trim(), Command, StringComparison.OrdinalIgnoreCase) ? new TurnOutcome(await ReplyAsync(turn.Channel, turn.UserId, language, ct)) : null;

    public async Task<Reply> ReplyAsync(ChatChannel channel, string userId, string language, CancellationToken ct)
    {
        var texts = knowledge.Texts;
        if (!admins.IsAdmin(channel, userId))
        {
            return new MessageReply(language, MessageKind.Info, texts.Get(language, TextKeys.StatsRefused));
        }

        var now = time.GetUtcNow();
        var records = await diagnoses.DiagnosesSinceAsync(now.AddDays(-30), ct);
        var votes = await feedback.FeedbackSinceAsync(now.AddDays(-30), ct);
        var table = new StringBuilder();
        foreach (var days in new[] { 7, 30 })
        {
            var w = StatsCalculator.Compute(records, votes, now, days, options.Value.Top);
            table.AppendLine(texts.Get(language, TextKeys.StatsWindow, ("days", Number(days)), ("count", Number(w.Diagnoses))));
            table.AppendLine(texts.Get(language, TextKeys.StatsTopCauses));
            if (w.TopCauses.Count == 0)
            {
                table.AppendLine("  " + texts.Get(language, TextKeys.StatsNone));
            }

            var longest = w.TopCauses.Count == 0 ? 0 : w.TopCauses.Max(c => c.Count);
            foreach (var (cause, count) in w.TopCauses)
            {
                // A text bar chart: it shows in every channel, monospaced.
                var bar = new string('█', Math.Max(1, (int)Math.Round(20.0 * count / longest)));
                table.AppendLine(CultureInfo.InvariantCulture, $"  {cause,-20} {count,5}  {bar}");
            }

            table.AppendLine(texts.Get(language, TextKeys.StatsZeroQuestions, ("percent", Percent(w.ZeroQuestionShare))));
            table.AppendLine(texts.Get(language, TextKeys.StatsMedianQuestions, ("median", w.MedianQuestions.ToString("0.#", CultureInfo.InvariantCulture))));
            table.AppendLine(texts.Get(language, TextKeys.StatsHelpful, ("percent", Percent(w.HelpfulRate)), ("count", Number(w.Feedbacks))));
            table.AppendLine(texts.Get(language, TextKeys.StatsUnknownInputs));
            if (w.UnknownInputs.Count == 0)
            {
                table.AppendLine("  " + texts.Get(language, TextKeys.StatsNone));
            }

            foreach (var (input, count) in w.UnknownInputs)
            {
                table.AppendLine(CultureInfo.InvariantCulture, $"  {count,5}  {Shorten(input)}");
            }

            table.AppendLine();
        }

        return new StatsReply(language, texts.Get(language, TextKeys.StatsTitle), table.ToString().TrimEnd());
    }

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Percent(double share) => (share * 100).ToString("0", CultureInfo.InvariantCulture) + " %";

    private static string Shorten(string input) => input.Length <= 80 ? input : input[..79] + "…";
}
