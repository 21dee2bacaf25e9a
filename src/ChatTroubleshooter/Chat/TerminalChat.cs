using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Places;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Diagnostics.Texts;

namespace ChatTroubleshooter.Chat;

/// <summary>
/// <c>chat [--lang xx]</c>: the conversation core in a terminal. Each input line is a message; while a question is
/// open, a number picks an option. Reads to end of input, so it works in a pipe too.
/// </summary>
internal sealed class TerminalChat(ConversationService conversations, TimeProvider time, TextReader input, TextWriter output)
{
    public const string Command = "chat";

    public async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        string? language = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--lang" && i + 1 < args.Length)
            {
                language = Languages.FromLocale(args[++i]);
                if (language is null)
                {
                    await output.WriteLineAsync($"Unknown language '{args[i]}'. Use one of: {string.Join(", ", Languages.Supported)}.");
                    return 2;
                }
            }
        }

        var key = $"terminal:{Guid.NewGuid():N}";
        QuestionReply? open = null;
        await output.WriteLineAsync(ReplyTextRenderer.Render(await conversations.HandleAsync(
            new Turn(ChatChannel.Terminal, key, Environment.UserName, null) { Text = "help", ForcedLanguage = language }, ct)));

        while (await input.ReadLineAsync(ct) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var turn = new Turn(ChatChannel.Terminal, key, Environment.UserName, null) { Text = line, ForcedLanguage = language };
            if (open is not null && int.TryParse(line.Trim(), out var choice) && choice >= 1 && choice <= open.Options.Count)
            {
                turn = turn with { Intent = new Answer(open.ConversationId, open.FactId, open.Options[choice - 1].Value) };
            }

            var reply = await conversations.HandleAsync(turn, ct);
            await output.WriteLineAsync();
            await output.WriteLineAsync(ReplyTextRenderer.Render(reply));
            if (reply is NotReadyReply notReady)
            {
                await Task.Delay(notReady.RecheckAfter, time, ct);
                reply = await conversations.HandleAsync(new Turn(ChatChannel.Terminal, key, Environment.UserName, null) { Intent = new Recheck(), ForcedLanguage = language }, ct);
                await output.WriteLineAsync();
                await output.WriteLineAsync(ReplyTextRenderer.Render(reply));
            }

            open = reply as QuestionReply ?? (reply is MessageReply ? open : null);
        }

        return 0;
    }
}
