using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Alerts;
using ChatTroubleshooter.Audit;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Stats;
using ChatTroubleshooter.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ChatTroubleshooter.Tests.Fakes;

/// <summary>The conversation core, its features' commands and the Aircall client as the bot registers them, without the web host.</summary>
internal static class CoreHost
{
    /// <param name="settings">Configuration (e.g. <c>Aircall:Demo</c>); state defaults to memory.</param>
    /// <param name="time">The clock, when a test moves it.</param>
    /// <param name="services">Test replacements (e.g. a fake Aircall server for the client).</param>
    public static IHost Build(Dictionary<string, string?> settings, TimeProvider? time = null, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["State:Provider"] = "Memory", ["Outbox:Enabled"] = "false" });
        builder.Configuration.AddInMemoryCollection(settings);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.AddConversations();
        builder.AddAircall();
        builder.AddAlerts();
        builder.AddAudits();
        builder.AddStats();
        builder.AddState();
        services?.Invoke(builder.Services);
        var host = builder.Build();
        // Its background loops run, as in the bot (the Aircall scheduler hands out lookups' turns).
        host.Start();
        return host;
    }
}
