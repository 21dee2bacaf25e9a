using ChatTroubleshooter.Places;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Packaging;
using ChatTroubleshooter.Slack;
using ChatTroubleshooter.Tests.Fakes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NJsonSchema;
using YamlDotNet.RepresentationModel;

namespace ChatTroubleshooter.Tests.Packaging;

public sealed class ManifestTests : IDisposable
{
    private const string AppId = "7c1c2e4a-0b5e-4d8e-9a43-2f5b7e6d9a10";
    private static readonly string Manifests = Path.Combine(AppContext.BaseDirectory, "manifests");
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("manifests-");

    public void Dispose() => _work.Delete(recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<JsonSchema> Schema(string file) =>
        JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "manifests", file), Ct);

    private (int Exit, string Error) Package(params string[] args)
    {
        var error = new StringWriter();
        var exit = PackageCommand.Run(args, TextWriter.Null, error, Manifests);
        return (exit, error.ToString());
    }

    [Fact]
    public async Task TeamsPackage_ManifestAndEveryLocalization_AreValidAgainstV123()
    {
        var zip = Path.Combine(_work.FullName, "app.zip");
        Assert.Equal(0, Package("package", "teams", "--app-id", AppId, "--host", "bot.example.com", "--out", zip).Exit);

        using var archive = ZipFile.OpenRead(zip);
        Assert.Equal(
            ["color.png", "de.json", "es.json", "fr.json", "it.json", "manifest.json", "nl.json", "outline.png", "pt.json"],
            archive.Entries.Select(e => e.FullName).Order());
        Assert.All(archive.Entries, e => Assert.DoesNotContain('/', e.FullName));

        var manifest = await Read(archive, "manifest.json");
        var errors = (await Schema("MicrosoftTeams.schema.json")).Validate(manifest);
        Assert.True(errors.Count == 0, string.Join("; ", errors.Select(e => $"{e.Kind} {e.Path}")));
        Assert.Equal(AppId, (string?)JsonNode.Parse(manifest)!["id"]);
        Assert.Equal(AppId, (string?)JsonNode.Parse(manifest)!["bots"]![0]!["botId"]);
        Assert.Equal("bot.example.com", (string?)JsonNode.Parse(manifest)!["validDomains"]![0]);
        Assert.DoesNotContain("{{", manifest, StringComparison.Ordinal);
        Assert.Equal(["groupChat", "personal", "team"], JsonNode.Parse(manifest)!["bots"]![0]!["scopes"]!.AsArray().Select(s => (string?)s).Order());

        var localization = await Schema("MicrosoftTeams.Localization.schema.json");
        foreach (var language in new[] { "es", "fr", "de", "it", "pt", "nl" })
        {
            var file = await Read(archive, $"{language}.json");
            var localizationErrors = localization.Validate(file);
            Assert.True(localizationErrors.Count == 0, $"{language}: " + string.Join("; ", localizationErrors.Select(e => $"{e.Kind} {e.Path}")));
        }
    }

    [Theory]
    [InlineData("not-a-guid", "bot.example.com", "not an App ID")]
    [InlineData("00000000-0000-0000-0000-000000000000", "bot.example.com", "not an App ID")]
    [InlineData(AppId, "https://bot.example.com", "not a domain")]
    [InlineData(AppId, "bot.example.com/path", "not a domain")]
    [InlineData(AppId, "localhost", "not a domain")]
    public void TeamsPackage_BadInput_IsAClearErrorAndNoZip(string appId, string host, string message)
    {
        var zip = Path.Combine(_work.FullName, "bad.zip");

        var (exit, error) = Package("package", "teams", "--app-id", appId, "--host", host, "--out", zip);

        Assert.Equal(2, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.False(File.Exists(zip));
    }

    [Fact]
    public void Icons_AreTheRightSizeAndFormat_AndReproducible()
    {
        var color = File.ReadAllBytes(Path.Combine(Manifests, "teams", "color.png"));
        var outline = File.ReadAllBytes(Path.Combine(Manifests, "teams", "outline.png"));

        Assert.Equal((192, 192), Size(color));
        Assert.Equal((32, 32), Size(outline));
        Assert.Equal(PngIcon.Color(), color);
        Assert.Equal(PngIcon.Outline(), outline);

        // Outline: white on transparent only; some pixels drawn, some transparent.
        var pixels = Pixels(outline, 32);
        Assert.All(pixels.Where(p => p.A > 0), p => Assert.True(p.R == 255 && p.G == 255 && p.B == 255));
        Assert.Contains(pixels, p => p.A == 0);
        Assert.Contains(pixels, p => p.A == 255);
        // Color: opaque everywhere.
        Assert.All(Pixels(color, 192), p => Assert.Equal(255, p.A));
    }

    [Fact]
    public void Icons_At32Pixels_KeepABoldGlyph()
    {
        // The outline icon is drawn at 32 px; the colour icon (192 px) is shown at 32 px in Teams' app bar: average it down.
        static double Covered(Func<int, int, double> pixel, int size) =>
            Enumerable.Range(0, size * size).Count(i => pixel(i % size, i / size) >= 0.5) / (double)(size * size);
        double Downscaled(int x, int y) =>
            Enumerable.Range(0, 36).Average(i => PngIcon.Coverage(PngIcon.ColorSize, x * 6 + i % 6, y * 6 + i / 6));

        Assert.True(Covered((x, y) => PngIcon.Coverage(PngIcon.OutlineSize, x, y), 32) >= 0.25);
        Assert.True(Covered(Downscaled, 32) >= 0.22);
        // The record dot survives: the pixels around the centre that the slash does not cross are solid.
        Assert.True(PngIcon.Coverage(PngIcon.OutlineSize, 13, 13) >= 0.9);
        Assert.True(Downscaled(13, 13) >= 0.9);
    }

    [Fact]
    public async Task SlackManifest_RenderedForAUrl_IsValidAgainstSlacksSchema()
    {
        var yaml = PackageCommand.RenderSlackManifest(Manifests, "https://bot.example.com");

        var json = ToJson(yaml);
        var errors = (await Schema("schemas_manifest.schema.1.0.0.json")).Validate(json.ToJsonString());

        Assert.True(errors.Count == 0, string.Join("; ", errors.Select(e => $"{e.Kind} {e.Path}")));
        Assert.DoesNotContain("{{", yaml, StringComparison.Ordinal);
        Assert.Equal("https://bot.example.com/slack/commands", (string?)json["features"]!["slash_commands"]![0]!["url"]);
    }

    /// <summary>Issue 21: for Socket Mode, no request URL at all (Slack sends everything over the bot's WebSockets).</summary>
    [Fact]
    public async Task SlackManifest_ForSocketMode_HasNoRequestUrls_AndIsValidAgainstSlacksSchema()
    {
        var output = Path.Combine(_work.FullName, "socket.yaml");
        var (exit, error) = Package("package", "slack", "--socket-mode", "--out", output);
        var yaml = await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken);

        var json = ToJson(yaml);
        var errors = (await Schema("schemas_manifest.schema.1.0.0.json")).Validate(json.ToJsonString());

        Assert.True(exit == 0, error);
        Assert.True(errors.Count == 0, string.Join("; ", errors.Select(e => $"{e.Kind} {e.Path}")));
        Assert.True((bool)json["settings"]!["socket_mode_enabled"]!);
        // No request URL (url:, request_url:) and no link; "unfurl_domains" is not one.
        Assert.DoesNotContain("url: ", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", yaml, StringComparison.Ordinal);
        Assert.Equal(["app_mention", "message.im", "link_shared"], json["settings"]!["event_subscriptions"]!["bot_events"]!.AsArray().Select(e => (string)e!));
        // Aircall's call links are unfurled (issue 34): the domains the bot reads call ids from.
        Assert.Equal(["dashboard.aircall.io", "app.aircall.io", "phone.aircall.io", "assets.aircall.io"],
            json["features"]!["unfurl_domains"]!.AsArray().Select(d => (string)d!));
        Assert.True((bool)json["settings"]!["interactivity"]!["is_enabled"]!);
    }

    [Fact]
    public void SlackPackage_NonHttpsUrl_IsRefused()
    {
        var (exit, error) = Package("package", "slack", "--url", "http://bot.example.com", "--out", Path.Combine(_work.FullName, "m.yaml"));

        Assert.Equal(2, exit);
        Assert.Contains("https", error, StringComparison.Ordinal);
    }

    [Fact]
    public void SlackManifest_EveryCommandEventUrlAndScope_IsHandledOrUsedByTheCode()
    {
        var json = ToJson(PackageCommand.RenderSlackManifest(Manifests, "https://bot.example.com"));
        using var app = new BotApp();
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/')).ToHashSet();

        Assert.Equal([SlackEndpoints.Command], json["features"]!["slash_commands"]!.AsArray().Select(c => (string?)c!["command"]));
        // "Why no recording?" on a message and from anywhere (issue 34): the callback ids the interactions are read by.
        Assert.Equal([("message", SlackShortcuts.MessageCallbackId), ("global", SlackShortcuts.GlobalCallbackId)],
            json["features"]!["shortcuts"]!.AsArray().Select(s => ((string)s!["type"]!, (string)s["callback_id"]!)));
        Assert.Equal(SlackApiClient.HandledEvents.Order(), json["settings"]!["event_subscriptions"]!["bot_events"]!.AsArray().Select(e => (string)e!).Order());
        Assert.Equal(SlackApiClient.RequiredScopes.Keys.Order(), json["oauth_config"]!["scopes"]!["bot"]!.AsArray().Select(s => (string)s!).Order());
        foreach (var url in new[]
        {
            (string)json["features"]!["slash_commands"]![0]!["url"]!,
            (string)json["settings"]!["event_subscriptions"]!["request_url"]!,
            (string)json["settings"]!["interactivity"]!["request_url"]!,
        })
        {
            Assert.Contains(new Uri(url).AbsolutePath, routes);
        }

        Assert.True((bool)json["features"]!["app_home"]!["messages_tab_enabled"]!);
        Assert.False((bool)json["features"]!["app_home"]!["messages_tab_read_only_enabled"]!);
    }

    [Fact]
    public async Task TeamsManifest_EveryCommand_IsHandled()
    {
        var manifest = PackageCommand.RenderTeamsManifest(Manifests, AppId, "bot.example.com");
        using var app = new BotApp();
        var conversations = app.Services.GetRequiredService<ConversationService>();

        var titles = manifest["bots"]![0]!["commandLists"]![0]!["commands"]!.AsArray().Select(c => (string)c!["title"]!).ToList();
        Assert.Equal(["norecording", "help"], titles);
        Assert.IsType<HelpReply>(await conversations.HandleAsync(new Turn(ChatChannel.Terminal, "m:1", "u", "en") { Text = "help" }, Ct));
        Assert.IsType<HelpReply>(await conversations.HandleAsync(new Turn(ChatChannel.Terminal, "m:2", "u", "en") { Text = "norecording" }, Ct));
        var diagnosis = Assert.IsType<DiagnosisReply>(await conversations.HandleAsync(new Turn(ChatChannel.Terminal, "m:3", "u", "en") { Text = "norecording 1000004" }, Ct));
        Assert.Equal(["too-short"], diagnosis.ConfirmedCauseIds);

        // Localized command titles are understood too ("ayuda", "aide", "hilfe"...).
        foreach (var language in new[] { "es", "fr", "de", "it", "pt", "nl" })
        {
            var localized = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Manifests, "teams", $"{language}.json"), Ct))!;
            var help = (string)localized["bots[0].commandLists[0].commands[1].title"]!;
            Assert.IsType<HelpReply>(await conversations.HandleAsync(new Turn(ChatChannel.Terminal, $"m:{language}", "u", language) { Text = help }, Ct));
        }
    }

    private static async Task<string> Read(ZipArchive archive, string name)
    {
        using var reader = new StreamReader(archive.GetEntry(name)!.Open());
        return await reader.ReadToEndAsync(Ct);
    }

    private static (int Width, int Height) Size(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(8, png[24]); // bit depth
        Assert.Equal(6, png[25]); // RGBA
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    /// <summary>Decodes our own encoder's output: one IDAT, filter 0 on every row.</summary>
    private static List<(byte R, byte G, byte B, byte A)> Pixels(byte[] png, int size)
    {
        var offset = 8;
        using var idat = new MemoryStream();
        while (offset < png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = System.Text.Encoding.ASCII.GetString(png, offset + 4, 4);
            if (type == "IDAT") idat.Write(png, offset + 8, length);
            offset += 12 + length;
        }

        idat.Position = 0;
        using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        var bytes = raw.ToArray();
        var pixels = new List<(byte, byte, byte, byte)>();
        for (var y = 0; y < size; y++)
        {
            var row = y * (1 + size * 4);
            Assert.Equal(0, bytes[row]);
            for (var x = 0; x < size; x++)
            {
                var i = row + 1 + x * 4;
                pixels.Add((bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]));
            }
        }

        return pixels;
    }

    /// <summary>YAML to JSON with YAML 1.2 core types for plain scalars (booleans, integers), as Slack reads it.</summary>
    private static JsonObject ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return Convert(stream.Documents[0].RootNode)!.AsObject();

        static JsonNode? Convert(YamlNode node) => node switch
        {
            YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, Convert(kv.Value)))),
            YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
            YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s when s.Value is "true" or "false" => JsonValue.Create(s.Value == "true"),
            YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s when Regex.IsMatch(s.Value ?? "", "^-?[0-9]+$") => JsonValue.Create(long.Parse(s.Value!, System.Globalization.CultureInfo.InvariantCulture)),
            YamlScalarNode s => JsonValue.Create(s.Value),
            _ => null,
        };
    }
}
