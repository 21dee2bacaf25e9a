using ChatTroubleshooter.Diagnostics.Extraction;
using ChatTroubleshooter.Diagnostics.Rules;
using ChatTroubleshooter.Diagnostics.Texts;

namespace ChatTroubleshooter.Diagnostics;

/// <summary>Everything the diagnostics know, loaded once and validated: rules, texts and lexicons.</summary>
public sealed class Knowledge
{
    internal Knowledge(RuleSet rules, TextCatalog texts, IReadOnlyDictionary<string, Lexicon> lexicons)
    {
        Rules = rules;
        Texts = texts;
        Lexicons = lexicons;
    }

    public RuleSet Rules { get; }

    public TextCatalog Texts { get; }

    internal IReadOnlyDictionary<string, Lexicon> Lexicons { get; }

    /// <summary>Loads the rules, texts and lexicons shipped in this assembly; throws listing every problem.</summary>
    public static Knowledge LoadEmbedded() => KnowledgeLoader.Load(EmbeddedFiles());

    /// <summary>The shipped data files by relative path (<c>rules.yaml</c>, <c>texts/en.yaml</c>…).</summary>
    public static IReadOnlyDictionary<string, string> EmbeddedFiles()
    {
        var assembly = typeof(Knowledge).Assembly;
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".yaml", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            files[name.Replace('\\', '/')] = reader.ReadToEnd();
        }

        return files;
    }
}

/// <summary>The data files have problems; <see cref="Errors"/> lists all of them.</summary>
public sealed class KnowledgeException(IReadOnlyList<string> errors)
    : Exception("The diagnostic data is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
