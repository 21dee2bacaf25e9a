using System.Collections;

namespace ChatTroubleshooter.Diagnostics.Facts;

/// <summary>An immutable set of known facts, at most one per fact id.</summary>
public sealed class FactSet : IEnumerable<Fact>
{
    private readonly Dictionary<string, Fact> _facts;

    public static FactSet Empty { get; } = new(new Dictionary<string, Fact>(StringComparer.Ordinal));

    private FactSet(Dictionary<string, Fact> facts) => _facts = facts;

    public static FactSet From(IEnumerable<Fact> facts)
    {
        var set = Empty;
        foreach (var fact in facts)
        {
            set = set.Merge(fact);
        }

        return set;
    }

    public int Count => _facts.Count;

    public Fact? this[string id] => _facts.GetValueOrDefault(id);

    public bool IsKnown(string id) => _facts.ContainsKey(id);

    /// <summary>
    /// Adds a fact unless one from a stronger source is already known
    /// (API data beats an answer, an answer beats what the text suggested).
    /// </summary>
    public FactSet Merge(Fact fact)
    {
        if (_facts.TryGetValue(fact.Id, out var existing) && existing.Source > fact.Source)
        {
            return this;
        }

        return With(fact);
    }

    public FactSet MergeAll(IEnumerable<Fact> facts)
    {
        var set = this;
        foreach (var fact in facts)
        {
            set = set.Merge(fact);
        }

        return set;
    }

    /// <summary>Sets a fact whatever is known (used to explore a hypothetical answer).</summary>
    public FactSet With(Fact fact)
    {
        var copy = new Dictionary<string, Fact>(_facts, StringComparer.Ordinal) { [fact.Id] = fact };
        return new FactSet(copy);
    }

    public IEnumerator<Fact> GetEnumerator() => _facts.Values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
