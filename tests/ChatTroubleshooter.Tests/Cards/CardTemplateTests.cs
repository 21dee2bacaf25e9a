using System.Text.Json.Nodes;
using ChatTroubleshooter.Cards;

namespace ChatTroubleshooter.Tests.Cards;

public sealed class CardTemplateTests
{
    private static JsonNode Expand(string template, string data) =>
        CardTemplate.Parse("test", template).Expand(JsonNode.Parse(data)!);

    [Fact]
    public void Expand_WholeExpression_KeepsTheValueType()
    {
        var card = Expand("""{"n":"${count}","b":"${flag}","a":"${items}"}""", """{"count":3,"flag":true,"items":["x"]}""");

        Assert.Equal("""{"n":3,"b":true,"a":["x"]}""", card.ToJsonString());
    }

    [Fact]
    public void Expand_EmbeddedExpressions_AreInsertedAsText()
    {
        var card = Expand("""{"t":"${a}. ${b.c}!"}""", """{"a":1,"b":{"c":"two"}}""");

        Assert.Equal("1. two!", (string?)card["t"]);
    }

    [Fact]
    public void Expand_DataOverAnArray_RepeatsTheElementWithRootAndIndex()
    {
        var card = Expand(
            """{"body":[{"$data":"${items}","t":"${$index}:${name}@${$root.owner}"}]}""",
            """{"owner":"me","items":[{"name":"a"},{"name":"b"}]}""");

        Assert.Equal("""{"body":[{"t":"0:a@me"},{"t":"1:b@me"}]}""", card.ToJsonString());
    }

    [Fact]
    public void Expand_When_DropsTheElementWhenFalsy()
    {
        var card = Expand(
            """{"body":[{"$when":"${yes}","t":1},{"$when":"${no}","t":2},{"$when":"${!no}","t":3},{"$when":"${empty}","t":4}]}""",
            """{"yes":true,"no":false,"empty":""}""");

        Assert.Equal("""{"body":[{"t":1},{"t":3}]}""", card.ToJsonString());
    }

    [Fact]
    public void Expand_UserTextWithTemplateSyntaxAndJson_StaysLiteral()
    {
        var hostile = "${secret} \"quoted\" }{ <b>&</b>\n${$root.secret}";

        var card = Expand("""{"t":"${text}","u":"say: ${text}"}""", new JsonObject { ["text"] = hostile, ["secret"] = "LEAK" }.ToJsonString());

        Assert.Equal(hostile, (string?)card["t"]);
        Assert.Equal("say: " + hostile, (string?)card["u"]);
        Assert.DoesNotContain("LEAK", card.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Expand_UnknownPath_IsLeftInPlaceLikeTheReferenceImplementation()
    {
        var card = Expand("""{"t":"${missing}"}""", "{}");

        Assert.Equal("${missing}", (string?)card["t"]);
    }

    [Fact]
    public void Parse_UnsupportedExpressions_AreAllRejectedAtLoad()
    {
        var error = Assert.Throws<CardTemplateException>(() => CardTemplate.Parse("bad",
            """{"a":"${if(x, 1, 2)}","b":"${x + 1}","c":[{"$data":"${!x}"}],"d":{"$when":"plain"},"e":{"$foo":"${x}"}}"""));

        Assert.Equal(5, error.Errors.Count);
        Assert.Contains(error.Errors, e => e.Contains("${if(x, 1, 2)}", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Contains("unsupported template keyword '$foo'", StringComparison.Ordinal));
    }

    [Fact]
    public void CardRenderer_ShippedTemplates_AllLoad()
    {
        var renderer = new CardRenderer(SampleReplies.Knowledge);

        Assert.NotNull(renderer);
    }
}
