using ChatTroubleshooter.Chat;
using ChatTroubleshooter.Conversations;

if (args.Length > 0 && args[0] == TerminalChat.Command)
{
    var chatBuilder = Host.CreateApplicationBuilder();
    chatBuilder.Logging.ClearProviders();
    chatBuilder.AddConversations();
    using var chatHost = chatBuilder.Build();
    var chat = new TerminalChat(chatHost.Services.GetRequiredService<ConversationService>(), Console.In, Console.Out);
    return await chat.RunAsync(args[1..], CancellationToken.None);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddConversations();

var app = builder.Build();
app.MapGet("/healthz", () => Results.Text("ok"));
await app.RunAsync();
return 0;

/// <summary>Visible to WebApplicationFactory in tests.</summary>
public partial class Program;
