using ChatTroubleshooter.Audit;
using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Alerts;
using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Chat;
using ChatTroubleshooter.Diagnostics;
using ChatTroubleshooter.Observability;
using ChatTroubleshooter.Packaging;
using ChatTroubleshooter.Slack;
using ChatTroubleshooter.Stats;
using ChatTroubleshooter.WriteBack;
using ChatTroubleshooter.Storage;
using ChatTroubleshooter.Teams;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter;

if (args.Length > 0 && args[0] is "--help" or "-h" or "help" or "-?")
{
    Console.WriteLine(StartupBanner.Usage);
    return 0;
}

if (args.Length > 0 && args[0] is PackageCommand.Package or PackageCommand.Icons)
{
    return PackageCommand.Run(args, Console.Out, Console.Error);
}

if (args.Length > 0 && args[0] is TerminalChat.Command or CardSamplesCommand.Command or AircallWebhookCommand.Command)
{
    // Same environment as the web host (dotnet run's launch profile sets ASPNETCORE_ENVIRONMENT=Development).
    var chatBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
    {
        EnvironmentName = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environments.Production,
    });
    chatBuilder.Logging.ClearProviders();
    // The terminal keeps its conversation in memory: nothing to persist, no data file.
    chatBuilder.Configuration["State:Provider"] = "Memory";
    chatBuilder.Configuration["Outbox:Enabled"] = "false";
    chatBuilder.AddConversations();
    if (args[0] == CardSamplesCommand.Command)
    {
        chatBuilder.Configuration["Aircall:Demo"] = "true";
    }

    chatBuilder.AddAircall();
    chatBuilder.AddCards();
    // The terminal answers the features' commands too (alerts and audits say they need a channel).
    chatBuilder.AddAlerts();
    chatBuilder.AddAudits();
    chatBuilder.AddStats();
    chatBuilder.AddState();
    using var chatHost = chatBuilder.Build();
    // Its background loops run (the Aircall scheduler hands out lookups' turns); the outbox is off.
    await chatHost.StartAsync();
    if (args[0] == AircallWebhookCommand.Command)
    {
        return await ActivatorUtilities.CreateInstance<AircallWebhookCommand>(chatHost.Services, Console.Out, Console.Error).RunAsync(args[1..], CancellationToken.None);
    }

    var conversations = chatHost.Services.GetRequiredService<ConversationService>();
    return args[0] == TerminalChat.Command
        ? await new TerminalChat(conversations, TimeProvider.System, Console.In, Console.Out).RunAsync(args[1..], CancellationToken.None)
        : await new CardSamplesCommand(conversations, chatHost.Services.GetRequiredService<CardRenderer>(), Console.Out).RunAsync(args[1..], CancellationToken.None);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddConversations();
builder.AddAircall();
builder.AddCards();
builder.AddSlack();
builder.AddTeams();
builder.AddAlerts();
builder.AddAudits();
builder.AddStats();
builder.AddWriteBack();
builder.AddState();
builder.AddObservability();

var app = builder.Build();
// Fail at start-up, with every problem listed, when the rules, texts or card templates are invalid.
app.Services.GetRequiredService<Knowledge>();
app.Services.GetRequiredService<CardRenderer>();
app.LogBanner();
app.MapObservability();
app.MapHome();
// The Teams manifest links to these two pages.
app.MapGet("/privacy", () => Results.Text(
    "ChatTroubleshooter privacy: messages sent to the bot and the Aircall call data it looks up are used only to answer. " +
    "Conversation state is kept in the bot's own store for at most the configured idle time. Nothing is shared with third parties."));
app.MapGet("/terms", () => Results.Text(
    "ChatTroubleshooter terms: the bot gives troubleshooting guidance based on Aircall's public help article, without warranty."));
app.MapSlack();
app.MapTeams();
app.MapAircallWebhooks();
app.MapAuditReports();
if (StartupBanner.BusyAddress(app) is { } busy)
{
    // One line, not a stack trace: which address, and how to choose another.
    Console.Error.WriteLine($"ChatTroubleshooter: cannot listen on {busy}: the address is already in use. " +
        "Stop the other process, or pick another port: --urls http://localhost:3979 (or ASPNETCORE_URLS).");
    return 2;
}

try
{
    await app.RunAsync();
}
catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse }
    || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
{
    // One line, not a stack trace: which address, and how to choose another.
    Console.Error.WriteLine($"ChatTroubleshooter: cannot listen, the address is already in use ({e.Message.Split('\n')[0].Trim()}). " +
        "Stop the other process, or pick another port: --urls http://localhost:3979 (or ASPNETCORE_URLS).");
    return 2;
}

return 0;

/// <summary>Visible to WebApplicationFactory in tests.</summary>
public partial class Program;
