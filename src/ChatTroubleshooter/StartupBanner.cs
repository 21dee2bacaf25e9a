using System.Text;
using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Slack;
using ChatTroubleshooter.Storage;
using ChatTroubleshooter.Teams;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter;

/// <summary>
/// What the bot says about itself: the start-up banner (one block: where it listens, where its state is, where call
/// data comes from, which channels are on and why), <c>--help</c>, and the page at <c>GET /</c>.
/// </summary>
internal static class StartupBanner
{
    public static string Version => Observability.BotVersion.Current;

    public const string Usage = """
        ChatTroubleshooter: finds out why an Aircall call has no recording, in Slack and Microsoft Teams.

        Usage:
          ChatTroubleshooter [--urls http://host:port]   run the bot (default http://localhost:3978 with dotnet run)
          ChatTroubleshooter chat [--lang xx]             talk to the bot in this terminal (demo calls without Aircall keys)
          ChatTroubleshooter cards --out DIR [--lang xx]  write sample cards (Adaptive Cards and Block Kit) to DIR
          ChatTroubleshooter package slack|teams ...      write the Slack manifest or the Teams app package
          ChatTroubleshooter icons --out DIR              draw the Teams icons
          ChatTroubleshooter aircall webhook create --url URL | list   register or list the Aircall webhooks
          ChatTroubleshooter --help                       this text

        Settings are environment variables (Slack__SigningSecret or Slack__AppToken, Slack__BotToken, Teams__AppId, Teams__AppPassword,
        Aircall__ApiId, Aircall__ApiToken, State__Provider, ...); see README.md.
        """;

    /// <summary>The banner, from the options the bot runs with (no secret is ever printed, only whether it is set).</summary>
    public static string Render(IServiceProvider services, IEnumerable<string> addresses, IHostEnvironment environment)
    {
        var state = services.GetRequiredService<IOptions<StateOptions>>().Value;
        var aircall = services.GetRequiredService<IOptions<AircallOptions>>().Value;
        var slack = services.GetRequiredService<IOptions<SlackOptions>>().Value;
        var teams = services.GetRequiredService<IOptions<TeamsOptions>>().Value;
        var urls = addresses.ToList();
        var first = urls.FirstOrDefault() ?? "http://localhost:3978";
        var text = new StringBuilder();
        text.AppendLine($"ChatTroubleshooter {Version} ({environment.EnvironmentName})");
        text.AppendLine($"  listening  {string.Join(", ", urls.DefaultIfEmpty("(no address yet)"))}");
        text.AppendLine($"  state      {state.Provider switch
        {
            StateProvider.Sqlite => $"SQLite at {Path.GetFullPath(state.SqlitePath)} (synchronous={state.SqliteSynchronous})",
            StateProvider.Redis => $"Redis, key prefix {state.RedisPrefix}",
            _ => "in memory (lost on restart)",
        }}");
        text.AppendLine($"  calls      {AircallExtensions.Source(aircall)}");
        var noBotToken = string.IsNullOrWhiteSpace(slack.BotToken) ? ", but Slack__BotToken is not set: mentions and DMs cannot be answered" : "";
        text.AppendLine($"  Slack      {(slack.UsesSocketMode
            ? $"on, Socket Mode ({slack.SocketConnections} connection(s) opened to Slack: no public URL needed){noBotToken}; the HTTP endpoints "
                + (slack.IsEnabled ? "also take signed requests" : "refuse everything (no Slack__SigningSecret)")
            : slack.IsEnabled
                ? "on, HTTP endpoints (signed requests)" + noBotToken
                : "off: neither Slack__SigningSecret nor Slack__AppToken is set, so every Slack request is refused (401)")}");
        text.AppendLine($"  Teams      {(teams.IsOff
            ? "off: Teams__AppId is not set, so every Teams request is refused (401)"
            : teams.IsAnonymous
                ? "anonymous (Teams__AllowAnonymous, Development): loopback clients only, e.g. Agents Playground; replies go to loopback only"
                : "on, requests authenticated with Bot Framework tokens")}");
        var alerts = services.GetRequiredService<IOptions<Alerts.AlertsOptions>>().Value;
        var tokens = aircall.WebhookTokens.Count(t => !string.IsNullOrWhiteSpace(t));
        text.AppendLine($"  alerts     {(tokens == 0
            ? "off: Aircall__WebhookTokens is not set, so /aircall/webhooks refuses everything (401)"
            : $"Aircall webhooks on ({tokens} token(s)); alerts to {(alerts.SlackChannel is { } channel ? $"Slack channel {channel} and " : "")}the conversations admins chose with \"alerts here\", after a {alerts.AssetsGrace.TotalMinutes:0.#} min grace")}");
        text.AppendLine($"  endpoints  {first}/slack/commands  /slack/events  /slack/interactions  /api/messages  /aircall/webhooks  /reports/{{file}}  /healthz  /readyz");
        text.Append($"  try it     dotnet run --project src/ChatTroubleshooter -- chat   (or Agents Playground against {first}/api/messages)");
        return text.ToString();
    }

    /// <summary>Logs the banner once the server listens (its addresses are known then).</summary>
    public static WebApplication LogBanner(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            app.Logger.LogInformation("{Banner}", Render(app.Services, addresses, app.Environment));
        });
        return app;
    }

    /// <summary>
    /// The first configured address (<c>--urls</c>, <c>ASPNETCORE_URLS</c>) another process already listens on, checked
    /// before Kestrel starts; null when free, or when the server is not Kestrel (a test host) or no address is set.
    /// </summary>
    public static string? BusyAddress(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().GetType().FullName?.StartsWith("Microsoft.AspNetCore.Server.Kestrel", StringComparison.Ordinal) == true
        && app.Configuration["urls"] is { Length: > 0 } urls
            ? BusyAddress(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            : null;

    private static string? BusyAddress(IEnumerable<string> urls)
    {
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            {
                continue;
            }

            var address = uri.Host == "localhost" ? System.Net.IPAddress.Loopback
                : System.Net.IPAddress.TryParse(uri.Host, out var ip) ? ip : null;
            if (address is null || uri.Port == 0)
            {
                continue;
            }

            var probe = new System.Net.Sockets.TcpListener(address, uri.Port);
            try
            {
                probe.Start();
            }
            catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
            {
                return url;
            }
            finally
            {
                probe.Stop();
            }
        }

        return null;
    }

    /// <summary><c>GET /</c>: who answers here, in plain words.</summary>
    public static IEndpointRouteBuilder MapHome(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Text($"""
            ChatTroubleshooter {Version}: finds out why an Aircall call has no recording.

            Slack:  POST /slack/commands, /slack/events, /slack/interactions
            Teams:  POST /api/messages
            Health: GET /healthz, /readyz; metrics: GET /metrics
            Privacy and terms: GET /privacy, /terms
            """));
        return app;
    }
}
