using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ChatTroubleshooter.Packaging;

/// <summary>
/// Install helpers, run from the command line:
/// <list type="bullet">
/// <item><c>package teams --app-id GUID --host DOMAIN --out app.zip</c>: fills the Teams manifest's placeholders,
/// checks them, and writes the app package (manifest.json, color.png, outline.png and the localization files at the root).</item>
/// <item><c>package slack --url https://HOST --out manifest.yaml</c>: renders the Slack app manifest for a public URL;
/// <c>package slack --socket-mode --out manifest.yaml</c>: for Socket Mode (no request URLs).</item>
/// <item><c>icons --out DIR</c>: redraws color.png and outline.png.</item>
/// </list>
/// </summary>
internal static partial class PackageCommand
{
    public const string Package = "package";
    public const string Icons = "icons";
    public const string AppIdPlaceholder = "{{APP_ID}}";
    public const string HostPlaceholder = "{{HOST}}";

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static int Run(string[] args, TextWriter output, TextWriter error, string? manifestsDirectory = null)
    {
        var manifests = manifestsDirectory ?? Path.Combine(AppContext.BaseDirectory, "manifests");
        try
        {
            return args switch
            {
                [Icons, ..] => WriteIcons(CliArgs.Option(args, "--out") ?? throw new UsageException("icons --out DIR"), output),
                [Package, "teams", ..] => PackageTeams(manifests, CliArgs.Option(args, "--app-id"), CliArgs.Option(args, "--host"), CliArgs.Option(args, "--out"), output),
                [Package, "slack", ..] => RenderSlack(manifests, CliArgs.Option(args, "--url"), args.Contains("--socket-mode"), CliArgs.Option(args, "--out"), output),
                _ => throw new UsageException($"package teams --app-id GUID --host DOMAIN --out app.zip | {SlackUsage} | icons --out DIR"),
            };
        }
        catch (UsageException e)
        {
            error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    private static int WriteIcons(string directory, TextWriter output)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, "color.png"), PngIcon.Color());
        File.WriteAllBytes(Path.Combine(directory, "outline.png"), PngIcon.Outline());
        output.WriteLine($"Wrote color.png ({PngIcon.ColorSize}x{PngIcon.ColorSize}) and outline.png ({PngIcon.OutlineSize}x{PngIcon.OutlineSize}) to {directory}.");
        return 0;
    }

    public static JsonObject RenderTeamsManifest(string manifestsDirectory, string appId, string host)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(manifestsDirectory, "teams", "manifest.json")))!.AsObject();
        return (JsonObject)Fill(manifest, new() { [AppIdPlaceholder] = appId, [HostPlaceholder] = host });
    }

    private static int PackageTeams(string manifests, string? appId, string? host, string? output, TextWriter log)
    {
        if (appId is null || host is null || output is null)
        {
            throw new UsageException("package teams --app-id GUID --host DOMAIN --out app.zip");
        }

        if (!Guid.TryParseExact(appId, "D", out var guid) || guid == Guid.Empty)
        {
            throw new UsageException($"--app-id '{appId}' is not an App ID (a GUID such as 7c1c2e4a-0b5e-4d8e-9a43-2f5b7e6d9a10).");
        }

        if (!Domain().IsMatch(host))
        {
            throw new UsageException($"--host '{host}' is not a domain name (e.g. bot.example.com, no scheme, path or port).");
        }

        var teams = Path.Combine(manifests, "teams");
        var manifest = RenderTeamsManifest(manifests, guid.ToString("D"), host.ToLowerInvariant());
        var languageFiles = manifest["localizationInfo"]?["additionalLanguages"]?.AsArray()
            .Select(l => (string)l!["file"]!).ToArray() ?? [];

        var temp = output + ".tmp";
        using (var zip = ZipFile.Open(temp, ZipArchiveMode.Create))
        {
            using (var writer = new StreamWriter(zip.CreateEntry("manifest.json").Open()))
            {
                writer.Write(manifest.ToJsonString(Indented));
            }

            foreach (var file in new[] { "color.png", "outline.png" }.Concat(languageFiles))
            {
                zip.CreateEntryFromFile(Path.Combine(teams, file), file);
            }
        }

        File.Move(temp, output, overwrite: true);
        log.WriteLine($"Wrote {output}: manifest.json, color.png, outline.png, {string.Join(", ", languageFiles)}. Upload it in Teams > Apps > Manage your apps > Upload an app.");
        return 0;
    }

    /// <summary>
    /// The Slack manifest for a public URL, or with <paramref name="baseUrl"/> null for Socket Mode: no request URLs
    /// (Slack sends everything over the bot's own WebSockets) and <c>socket_mode_enabled: true</c>.
    /// </summary>
    public static string RenderSlackManifest(string manifestsDirectory, string? baseUrl)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(manifestsDirectory, "slack", "manifest.yaml")))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        if (baseUrl is null)
        {
            var settings = (YamlMappingNode)root["settings"];
            foreach (var command in ((YamlSequenceNode)((YamlMappingNode)root["features"])["slash_commands"]).Children.OfType<YamlMappingNode>())
            {
                command.Children.Remove(new YamlScalarNode("url"));
            }

            ((YamlMappingNode)settings["event_subscriptions"]).Children.Remove(new YamlScalarNode("request_url"));
            ((YamlMappingNode)settings["interactivity"]).Children.Remove(new YamlScalarNode("request_url"));
            settings.Children[new YamlScalarNode("socket_mode_enabled")] = new YamlScalarNode("true");
        }
        else
        {
            var host = new Uri(baseUrl).Authority;
            foreach (var scalar in yaml.Documents[0].AllNodes.OfType<YamlScalarNode>())
            {
                if (scalar.Value?.Contains(HostPlaceholder, StringComparison.Ordinal) == true)
                {
                    scalar.Value = scalar.Value.Replace(HostPlaceholder, host, StringComparison.Ordinal);
                }
            }
        }

        using var writer = new StringWriter();
        yaml.Save(writer, assignAnchors: false);
        return writer.ToString().TrimEnd('.', '\n', '\r') + "\n";
    }

    private const string SlackUsage = "package slack --url https://HOST --out manifest.yaml | package slack --socket-mode --out manifest.yaml";

    private static int RenderSlack(string manifests, string? url, bool socketMode, string? output, TextWriter log)
    {
        if (output is null || (url is null) == !socketMode)
        {
            throw new UsageException(SlackUsage);
        }

        if (url is not null
            && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query)))
        {
            throw new UsageException($"--url '{url}' must be the bot's public https base URL, e.g. https://bot.example.com");
        }

        File.WriteAllText(output, RenderSlackManifest(manifests, url));
        log.WriteLine($"Wrote {output}. Paste it in https://api.slack.com/apps > Create New App > From a manifest."
            + (socketMode ? " Then create an app-level token with connections:write (Basic Information) and set Slack__AppToken." : ""));
        return 0;
    }

    /// <summary>Fills placeholders inside string values of a parsed document (never in the JSON text).</summary>
    private static JsonNode Fill(JsonNode node, Dictionary<string, string> values) =>
        Cards.JsonStrings.Map(node, text => values.Aggregate(text, (t, v) => t.Replace(v.Key, v.Value, StringComparison.Ordinal)))!;

    [GeneratedRegex(@"^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$")]
    private static partial Regex Domain();

    private sealed class UsageException(string message) : Exception(message);
}

internal static class CliArgs
{
    /// <summary>
    /// The value after <paramref name="name"/>. `dotnet run` starts a web project in its own folder, so a relative
    /// --out is taken relative to the shell's directory (PWD), where the user typed it.
    /// </summary>
    public static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        if (i < 0 || i + 1 >= args.Length)
        {
            return null;
        }

        var value = args[i + 1];
        return name == "--out" && !Path.IsPathRooted(value) && Environment.GetEnvironmentVariable("PWD") is { Length: > 0 } shell
            ? Path.GetFullPath(Path.Combine(shell, value))
            : value;
    }
}
