namespace ChatTroubleshooter.Diagnostics.Facts;

/// <summary>Where a fact came from. Stronger sources win when two disagree.</summary>
public enum FactSource
{
    /// <summary>Read from the user's free text.</summary>
    Text = 1,

    /// <summary>The user's answer to a question.</summary>
    Answer = 2,

    /// <summary>Read from the Aircall API.</summary>
    Api = 3,
}

/// <summary>
/// Why we believe a fact: a text key (e.g. <c>evidence.text</c>) and literal arguments for its placeholders,
/// rendered in the conversation's language when a reply is built.
/// </summary>
public sealed record Evidence(string Key, IReadOnlyDictionary<string, string> Args)
{
    public static Evidence Of(string key, params (string Name, string Value)[] args) =>
        new(key, args.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal));
}

public sealed record Fact(string Id, FactValue Value, FactSource Source, Evidence Evidence);
