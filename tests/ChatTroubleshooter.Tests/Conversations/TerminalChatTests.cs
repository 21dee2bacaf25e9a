using ChatTroubleshooter.Chat;
using ChatTroubleshooter.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Tests.Conversations;

public sealed class TerminalChatTests
{
    private static async Task<(int Exit, string Output)> RunAsync(string input, params string[] args)
    {
        var service = Fakes.TestConversations.Create();
        var output = new StringWriter();
        var exit = await new TerminalChat(service, TimeProvider.System, new StringReader(input), output).RunAsync(args, TestContext.Current.CancellationToken);
        return (exit, output.ToString());
    }

    [Fact]
    public async Task RunAsync_PipedConversation_AnswersNumberedOptionsAndExitsAtEndOfInput()
    {
        var (exit, output) = await RunAsync("the call has no recording\n1\n1\n");

        Assert.Equal(0, exit);
        Assert.Contains("[Question 1] Was the call answered", output, StringComparison.Ordinal);
        Assert.Contains("  1. Yes", output, StringComparison.Ordinal);
        Assert.Contains("* The conversation was shorter than 5 seconds", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ForcedLanguage_AnswersInIt()
    {
        var (exit, output) = await RunAsync("the call has no recording\n", "--lang", "es");

        Assert.Equal(0, exit);
        Assert.Contains("¿Se contestó la llamada", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_UnknownLanguage_ExitsWithUsage()
    {
        var (exit, output) = await RunAsync("", "--lang", "xx");

        Assert.Equal(2, exit);
        Assert.Contains("en, es, fr, de, it, pt, nl", output, StringComparison.Ordinal);
    }
}
