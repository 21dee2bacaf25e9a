using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Chat;
using ChatTroubleshooter.Diagnostics;
using ChatTroubleshooter.Conversations;

if (args.Length > 0 && args[0] == TerminalChat.Command)
{
    // Same environment as the web host (dotnet run's launch profile sets ASPNETCORE_ENVIRONMENT=Development).
    var chatBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
    {
        EnvironmentName = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environments.Production,
    });
    chatBuilder.Logging.ClearProviders();
    chatBuilder.AddConversations();
    chatBuilder.AddAircall();
    using var chatHost = chatBuilder.Build();
    var chat = new TerminalChat(chatHost.Services.GetRequiredService<ConversationService>(), TimeProvider.System, Console.In, Console.Out);
    return await chat.RunAsync(args[1..], CancellationToken.None);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddConversations();
builder.AddAircall();
builder.AddCards();

var app = builder.Build();
// Fail at start-up, with every problem listed, when the rules, texts or card templates are invalid.
app.Services.GetRequiredService<Knowledge>();
app.Services.GetRequiredService<CardRenderer>();
app.MapGet("/healthz", () => Results.Text("ok"));
await app.RunAsync();
return 0;

/// <summary>Visible to WebApplicationFactory in tests.</summary>
public partial class Program;
