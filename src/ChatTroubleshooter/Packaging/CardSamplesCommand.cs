using System.Text.Json;
using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Places;
using ChatTroubleshooter.Diagnostics.Replies;

namespace ChatTroubleshooter.Packaging;

/// <summary>
/// <c>cards --out DIR [--lang xx]</c>: writes the cards of a real conversation over the demo calls (a question and
/// a diagnosis, Teams and Slack), for previews and for trying the cards in the Adaptive Cards Designer or
/// Slack's Block Kit Builder.
/// </summary>
internal sealed class CardSamplesCommand(ConversationService conversations, CardRenderer renderer, TextWriter output)
{
    public const string Command = "cards";

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var outDir = Packaging.CliArgs.Option(args, "--out");
        var language = Packaging.CliArgs.Option(args, "--lang") ?? "en";
        if (outDir is null)
        {
            await output.WriteLineAsync("usage: cards --out DIR [--lang xx]");
            return 2;
        }

        Directory.CreateDirectory(outDir);
        var samples = new (string Name, string Text)[]
        {
            ("question", "The call has no recording"),
            ("diagnosis", "https://dashboard.aircall.io/calls/1000007"),
            ("help", "help"),
        };
        foreach (var (name, text) in samples)
        {
            var reply = await conversations.HandleAsync(new Turn(ChatChannel.Terminal, $"cards:{name}", "cards", language) { Text = text, ForcedLanguage = language }, ct);
            await WriteAsync(Path.Combine(outDir, $"teams-{name}.json"), renderer.Teams(reply), ct);
            await WriteAsync(Path.Combine(outDir, $"slack-{name}.json"), renderer.Slack(reply), ct);
            if (reply is QuestionReply question)
            {
                await WriteAsync(Path.Combine(outDir, $"teams-{name}-answered.json"), renderer.Answered(CardChannel.Teams, question, "yes"), ct);
            }

            if (reply is DiagnosisReply diagnosis)
            {
                // The same diagnosis after "Not solved": the summary for a ticket behind a toggle (Teams) or a button (Slack).
                var escalated = await conversations.HandleTurnAsync(new Turn(ChatChannel.Terminal, $"cards:{name}", "cards", language)
                {
                    Intent = new FeedbackClick(diagnosis.DiagnosisId, Helpful: false),
                }, ct);
                await WriteAsync(Path.Combine(outDir, "teams-escalated.json"), renderer.Teams(escalated.Reply), ct);
                await WriteAsync(Path.Combine(outDir, "slack-escalated.json"), renderer.Slack(escalated.Reply), ct);
            }
        }

        await output.WriteLineAsync($"Wrote sample cards to {outDir}.");
        return 0;
    }

    private static Task WriteAsync(string path, System.Text.Json.Nodes.JsonNode node, CancellationToken ct) =>
        File.WriteAllTextAsync(path, node.ToJsonString(Indented) + "\n", ct);
}
