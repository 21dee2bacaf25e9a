using ChatTroubleshooter.Alerts;
using ChatTroubleshooter.Conversations;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Aircall;

/// <summary>
/// <c>aircall webhook create --url https://…/aircall/webhooks</c> registers the bot's webhook (the events it
/// handles) and prints the token to configure; <c>aircall webhook list</c> shows the company's webhooks.
/// </summary>
internal sealed class AircallWebhookCommand(AircallClient client, IOptions<AircallOptions> options, TextWriter output, TextWriter error)
{
    public const string Command = "aircall";

    public static readonly IReadOnlyList<string> Events = [AircallWebhooks.CallAnswered, AircallWebhooks.CallEnded, AircallWebhooks.AssetsGenerated, AircallWebhooks.NumberDeleted];

    private static readonly CallRequester Operator = new("cli:aircall-webhook");

    public const string Usage = """
        Usage:
          ChatTroubleshooter aircall webhook create --url https://bot.example.com/aircall/webhooks
          ChatTroubleshooter aircall webhook list
        (with Aircall__ApiId and Aircall__ApiToken set)
        """;

    public async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        if (args is not ["webhook", var verb, ..] || verb is not ("create" or "list"))
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }

        if (!options.Value.HasCredentials)
        {
            await error.WriteLineAsync("Set Aircall__ApiId and Aircall__ApiToken (Dashboard > Integrations & API > API Keys) first.");
            return 2;
        }

        return verb == "create" ? await CreateAsync(args[2..], ct) : await ListAsync(ct);
    }

    private async Task<int> CreateAsync(string[] args, CancellationToken ct)
    {
        if (args is not ["--url", var url] || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            await error.WriteLineAsync("--url must be the bot's public https address of /aircall/webhooks (Aircall calls it).\n" + Usage);
            return 2;
        }

        var created = await client.CreateWebhookAsync(new AircallWebhookRequest("ChatTroubleshooter", uri.AbsoluteUri, Events), Operator, ct);
        if (created is not { Status: AircallStatus.Ok, Value.Webhook: { Token: { } token } webhook })
        {
            await error.WriteLineAsync($"Aircall did not create the webhook ({created.Status}).");
            return 1;
        }

        var index = options.Value.WebhookTokens.Count;
        await output.WriteLineAsync($"Created webhook {webhook.WebhookId} for {webhook.Url} ({string.Join(", ", webhook.Events ?? Events)}).");
        await output.WriteLineAsync($"Give the bot its token: Aircall__WebhookTokens__{index}={token}");
        return 0;
    }

    private async Task<int> ListAsync(CancellationToken ct)
    {
        var listed = await client.ListWebhooksAsync(Operator, ct);
        if (listed is not { Status: AircallStatus.Ok, Value: { } list })
        {
            await error.WriteLineAsync($"Aircall did not list the webhooks ({listed.Status}).");
            return 1;
        }

        foreach (var webhook in list.Webhooks ?? [])
        {
            await output.WriteLineAsync($"{webhook.WebhookId}  {(webhook.Active == false ? "inactive" : "active")}  {webhook.Url}  {string.Join(",", webhook.Events ?? [])}");
        }

        if (list.Webhooks is null or { Count: 0 })
        {
            await output.WriteLineAsync("No webhooks.");
        }

        return 0;
    }
}
