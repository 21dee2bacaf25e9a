using System.Text.Json;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Tests.Fakes;

namespace ChatTroubleshooter.Tests.Cards;

/// <summary>Proves our Teams cards against Microsoft's own JavaScript renderer and templating library.</summary>
public sealed class CardNodeCheckTests : IDisposable
{
    private static readonly CardRenderer Renderer = new(SampleReplies.Knowledge);
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("cards-");

    public void Dispose() => _work.Delete(recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [Fact]
    public async Task EveryTeamsCard_PassesMicrosoftsRendererAndTheSchemaWithoutWarnings()
    {
        var check = NodeTool.CheckDirectory();
        var files = new List<string>();
        foreach (var (name, reply) in SampleReplies.All(SampleReplies.HostileTextWithoutTemplateSyntax))
        {
            files.Add(Write($"{name}.json", Renderer.Teams(reply)));
            if (reply is QuestionReply question)
            {
                files.Add(Write($"{name}.answered.json", Renderer.Answered(CardChannel.Teams, question, question.Options[^1].Value)));
            }
        }

        var (exit, output) = await NodeTool.RunAsync(check, Ct, ["render-check.js", "--max-version", "1.5", .. files]);

        Assert.True(exit == 0, output);
        TestContext.Current.TestOutputHelper?.WriteLine($"render-check: {files.Count} cards clean.");
    }

    [Fact]
    public async Task OurBinder_ExpandsEveryTeamsTemplate_ExactlyLikeAdaptiveCardsTemplating()
    {
        var check = NodeTool.CheckDirectory();
        var jobs = new JsonArray();
        var ours = new Dictionary<string, JsonNode>();
        foreach (var (name, reply) in SampleReplies.All())
        {
            var pairs = new List<(string Kind, JsonObject Data, JsonNode Card)>
            {
                (CardRenderer.Kind(reply), CardData.From(reply, SampleReplies.Knowledge.Texts), Renderer.Teams(reply)),
            };
            if (reply is QuestionReply question)
            {
                pairs.Add(("question-answered", CardData.Answered(question, question.Options[0].Value, SampleReplies.Knowledge.Texts),
                    Renderer.Answered(CardChannel.Teams, question, question.Options[0].Value)));
            }

            foreach (var (kind, data, card) in pairs)
            {
                var id = $"{name}.{kind}";
                ours[id] = card;
                jobs.Add(new JsonObject
                {
                    ["template"] = Path.Combine(AppContext.BaseDirectory, "cards", "teams", kind + ".json"),
                    ["data"] = Write($"{id}.data.json", data),
                    ["out"] = Path.Combine(_work.FullName, $"{id}.reference.json"),
                });
            }
        }

        var (exit, output) = await NodeTool.RunAsync(check, Ct, "expand-batch.js", Write("jobs.json", jobs));
        Assert.True(exit == 0, output);

        foreach (var (id, card) in ours)
        {
            var reference = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_work.FullName, $"{id}.reference.json"), Ct))!;
            Assert.True(JsonNode.DeepEquals(reference, card),
                $"{id} differs from adaptivecards-templating:\nours:      {card.ToJsonString()}\nreference: {reference.ToJsonString()}");
        }
    }

    private string Write(string name, JsonNode node)
    {
        var path = Path.Combine(_work.FullName, name);
        File.WriteAllText(path, node.ToJsonString(Indented));
        return path;
    }
}
