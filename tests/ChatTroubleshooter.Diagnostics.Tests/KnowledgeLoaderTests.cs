using System.Text.RegularExpressions;

namespace ChatTroubleshooter.Diagnostics.Tests;

public sealed class KnowledgeLoaderTests
{
    private static Dictionary<string, string> ShippedFiles() => new(Knowledge.EmbeddedFiles());

    private static KnowledgeException LoadFails(Dictionary<string, string> files) =>
        Assert.Throws<KnowledgeException>(() => KnowledgeLoader.Load(files));

    [Fact]
    public void LoadEmbedded_ShippedFiles_PassValidation()
    {
        var knowledge = Knowledge.LoadEmbedded();

        Assert.Equal(
            ["recording-disabled", "recording-paused", "call-not-answered", "too-short", "voicemail-too-short", "too-long", "parallel-call", "number-deleted"],
            knowledge.Rules.Causes.Select(c => c.Id));
        Assert.Equal(12, knowledge.Rules.Facts.Count);
    }

    [Fact]
    public void LoadEmbedded_EveryLanguage_HasEveryTextOfEnglish()
    {
        var knowledge = Knowledge.LoadEmbedded();
        var english = TestKnowledge.Yaml.Deserialize<Dictionary<string, object>>(Knowledge.EmbeddedFiles()["texts/en.yaml"]);

        foreach (var language in Texts.Languages.Supported)
        {
            foreach (var key in english.Keys)
            {
                Assert.True(knowledge.Texts.Has(language, key), $"{language}: {key}");
            }
        }
    }

    [Fact]
    public void Load_UnknownFactInACondition_IsReported()
    {
        var files = ShippedFiles();
        files["rules.yaml"] = files["rules.yaml"].Replace("{ fact: paused, equals: \"yes\" }", "{ fact: pausd, equals: \"yes\" }");

        var error = LoadFails(files);

        Assert.Contains(error.Errors, e => e.Contains("unknown fact 'pausd'"));
    }

    [Fact]
    public void Load_MissingTextInOneLanguage_IsReported()
    {
        var files = ShippedFiles();
        files["texts/de.yaml"] = Regex.Replace(files["texts/de.yaml"], @"^question\.paused:.*$", "", RegexOptions.Multiline);

        var error = LoadFails(files);

        Assert.Contains("texts/de.yaml: text 'question.paused' is missing.", error.Errors);
    }

    [Fact]
    public void Load_DirectionStepsEnglishHas_AreRequiredInEveryLanguage_AndAnyCauseMayHaveThem()
    {
        var files = ShippedFiles();
        files["texts/nl.yaml"] = Regex.Replace(files["texts/nl.yaml"], @"^cause\.call-not-answered\.steps\.outbound:\n(  - .*\n)+", "", RegexOptions.Multiline);
        files["texts/en.yaml"] += "\ncause.too-short.steps.inbound:\n  - \"Inbound only.\"\n";

        var error = LoadFails(files);

        Assert.Contains("texts/nl.yaml: text 'cause.call-not-answered.steps.outbound' is missing.", error.Errors);
        Assert.Contains("texts/de.yaml: text 'cause.too-short.steps.inbound' is missing.", error.Errors);
        Assert.DoesNotContain(error.Errors, e => e.Contains("not used by the rules", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_PlaceholderMismatch_IsReported()
    {
        var files = ShippedFiles();
        files["texts/fr.yaml"] = files["texts/fr.yaml"].Replace("La conversation a duré {talk-seconds}.", "La conversation a duré {talk-second}.");

        var error = LoadFails(files);

        Assert.Contains(error.Errors, e => e.StartsWith("texts/fr.yaml: 'cause.too-short.evidence' uses placeholders {talk-second}", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_PlaceholderDifferentFromEnglish_IsReported()
    {
        var files = ShippedFiles();
        files["texts/it.yaml"] = files["texts/it.yaml"].Replace("reply.call: \"Chiamata {callId}\"", "reply.call: \"Chiamata\"");

        var error = LoadFails(files);

        Assert.Contains(error.Errors, e => e.StartsWith("texts/it.yaml: 'reply.call' has placeholders {} but English has {callId}", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_NonHttpsLink_IsReported()
    {
        var files = ShippedFiles();
        files["rules.yaml"] = files["rules.yaml"].Replace("https://support.aircall.io/", "http://support.aircall.io/");

        var error = LoadFails(files);

        Assert.Contains(error.Errors, e => e.Contains("link 'article' is not an https URL"));
    }

    [Fact]
    public void Load_AskableFactWithoutQuestion_IsReported()
    {
        var files = ShippedFiles();
        files["texts/nl.yaml"] = Regex.Replace(files["texts/nl.yaml"], @"^question\.voicemail:.*$", "", RegexOptions.Multiline);

        var error = LoadFails(files);

        Assert.Contains("texts/nl.yaml: text 'question.voicemail' is missing.", error.Errors);
    }

    [Fact]
    public void Load_ComparisonNotFittingTheFactType_IsReported()
    {
        var files = ShippedFiles();
        files["rules.yaml"] = files["rules.yaml"].Replace("{ fact: recording-enabled, equals: \"no\" }", "{ fact: recording-enabled, less-than: 5 }");

        var error = LoadFails(files);

        Assert.Contains(error.Errors, e => e.Contains("less-than and greater-than apply only to seconds facts"));
    }

    [Fact]
    public void Load_UnknownCueInALexicon_IsReported()
    {
        var files = ShippedFiles();
        files["lexicons/pt.yaml"] = files["lexicons/pt.yaml"].Replace("paused=yes:", "paused=maybe:");

        var error = LoadFails(files);

        Assert.Contains(error.Errors, e => e.StartsWith("lexicons/pt.yaml: cue 'paused=maybe'", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_BadImplications_AreEachReported()
    {
        var files = ShippedFiles();
        files["rules.yaml"] = files["rules.yaml"]
            .Replace("{ if: \"voicemail=yes\", then: [\"answered=no\"] }", "{ if: \"voicemail=maybe\", then: [\"talk-seconds=3\"] }")
            .Replace("{ if: \"parallel-second=yes\", then: [\"answered=yes\"] }", "{ if: \"parallel-second=yes\", then: [\"parallel-second=no\"] }");

        var error = LoadFails(files);

        Assert.Contains("rules.yaml: implication #2 'voicemail=maybe' must be '<fact>=<value>' for a yes-no or choice fact, or '<fact>=<min>..<max>' for a seconds fact.", error.Errors);
        Assert.Contains("rules.yaml: implication #2 'talk-seconds=3' must be '<fact>=<value>' for a yes-no or choice fact.", error.Errors);
        Assert.Contains("rules.yaml: implication #3: a fact cannot imply itself.", error.Errors);
    }

    [Fact]
    public void Load_SeveralProblems_AreAllListedAtOnce()
    {
        var files = ShippedFiles();
        files["rules.yaml"] = files["rules.yaml"].Replace("{ fact: paused, equals: \"yes\" }", "{ fact: pausd, equals: \"yes\" }");
        files["texts/es.yaml"] = Regex.Replace(files["texts/es.yaml"], @"^option\.unknown:.*$", "", RegexOptions.Multiline);
        files.Remove("lexicons/nl.yaml");

        var error = LoadFails(files);

        Assert.Contains(error.Errors, e => e.Contains("unknown fact 'pausd'"));
        Assert.Contains("texts/es.yaml: text 'option.unknown' is missing.", error.Errors);
        Assert.Contains("lexicons/nl.yaml: file is missing.", error.Errors);
        Assert.Contains("unknown fact 'pausd'", error.Message);
    }

    [Fact]
    public void Load_MalformedYaml_IsReportedWithItsLine()
    {
        var files = ShippedFiles();
        files["texts/pt.yaml"] = "language.name: [unclosed";

        var error = LoadFails(files);

        Assert.Contains(error.Errors, e => e.StartsWith("texts/pt.yaml: line ", StringComparison.Ordinal));
    }
}
