using ArchUnitNET.Domain;
using ArchUnitNET.Loader;

namespace ChatTroubleshooter.Tests.Architecture;

/// <summary>
/// Issue 31: the host's folders depend on each other one way. Dependencies are read by ArchUnitNET from the compiled
/// host (every type's references: fields, signatures, calls, attributes), grouped by the folder of each type's namespace
/// (<c>ChatTroubleshooter.Slack.SocketMode</c> is <c>Slack</c>; the composition root, <c>Program</c>, is left out). The
/// rule: no cycle between folders, and the conversation core names no feature (features plug in: they register their
/// commands, intents, kinds of work and places from their <c>AddXxx</c>).
/// </summary>
public sealed class FolderDependencyTests(ITestOutputHelper output)
{
    private static readonly ArchUnitNET.Domain.Architecture Host =
        new ArchLoader().LoadAssemblies(typeof(ChatTroubleshooter.Conversations.ConversationService).Assembly).Build();

    private static readonly string HostAssembly = typeof(ChatTroubleshooter.Conversations.ConversationService).Assembly.GetName().Name!;

    /// <summary>Folders that are features: the conversation core, the outbox engine and the places must not name them.</summary>
    private static readonly string[] Features = ["Alerts", "Audit", "Stats", "WriteBack", "Links"];

    /// <summary>What features and channels plug into: they name no feature, no channel.</summary>
    private static readonly string[] Core = ["Conversations", "Outbox", "Places", "Json"];

    private static readonly string[] Channels = ["Slack", "Teams"];

    /// <summary>Folder → folders it depends on, with one example of each dependency.</summary>
    private static Dictionary<string, Dictionary<string, string>> Graph()
    {
        var graph = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var type in Host.Types)
        {
            if (Folder(type) is not { } from)
            {
                continue;
            }

            var edges = graph.TryGetValue(from, out var e) ? e : graph[from] = new(StringComparer.Ordinal);
            foreach (var dependency in type.Dependencies)
            {
                // A generic parameter is no type of a folder: the source-generated JSON contexts' helper
                // TryGetTypeInfoForRuntimeCustomConverter<T> showed up as "AircallJson -> TeamsJson::…<T>".
                if (dependency.Target is GenericParameter)
                {
                    continue;
                }

                if (Folder(dependency.Target) is { } to && to != from)
                {
                    edges.TryAdd(to, $"{type.FullName} -> {dependency.Target.FullName}");
                }
            }
        }

        return graph;
    }

    /// <summary>The host folder of a type of the host, or null (another assembly, the composition root, generated code).</summary>
    private static string? Folder(IType type)
    {
        const string Root = "ChatTroubleshooter";
        // Generic parameters and some compiler types have no assembly or namespace.
        if (type.Assembly?.Name is not { } assembly || !assembly.StartsWith(HostAssembly + ",", StringComparison.Ordinal) && assembly != HostAssembly
            || type.Namespace?.FullName is not { } ns)
        {
            return null;
        }

        if (ns == Root)
        {
            return "(root)";
        }

        return ns.StartsWith(Root + ".", StringComparison.Ordinal) ? ns[(Root.Length + 1)..].Split('.')[0] : null;
    }

    /// <summary>The edges that lie on a cycle: both ends in one strongly connected component (Tarjan).</summary>
    private static List<string> CycleEdges(Dictionary<string, Dictionary<string, string>> graph)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var component = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var next = 0;

        void Visit(string v)
        {
            index[v] = low[v] = next++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in graph.GetValueOrDefault(v)?.Keys ?? Enumerable.Empty<string>())
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], index[w]);
                }
            }

            if (low[v] == index[v])
            {
                string w;
                do
                {
                    w = stack.Pop();
                    onStack.Remove(w);
                    component[w] = index[v];
                }
                while (w != v);
            }
        }

        foreach (var v in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(v))
            {
                Visit(v);
            }
        }

        return [.. graph.SelectMany(g => g.Value.Keys.Where(to => component.GetValueOrDefault(to, -1) == component[g.Key]).Select(to => $"{g.Key} -> {to}"))
            .Order(StringComparer.Ordinal)];
    }

    [Fact]
    public void NoDependencyCycle_BetweenHostFolders()
    {
        var graph = Graph();
        foreach (var (from, to) in graph.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{from} -> {string.Join(", ", to.Keys.Order(StringComparer.Ordinal))}");
        }

        var cycle = CycleEdges(graph).Select(e => $"{e} (e.g. {graph[e.Split(" -> ")[0]][e.Split(" -> ")[1]]})").ToList();
        Assert.True(cycle.Count == 0, "Dependencies that close a cycle between host folders:\n" + string.Join("\n", cycle));
    }

    [Fact]
    public void TheCore_TheOutboxEngine_AndThePlaces_NameNoFeatureAndNoChannel()
    {
        var graph = Graph();
        var named = Core.SelectMany(core => (graph.GetValueOrDefault(core)?.Keys ?? Enumerable.Empty<string>())
                .Where(to => Features.Contains(to) || Channels.Contains(to))
                .Select(to => $"{core} -> {to} (e.g. {graph[core][to]})"))
            .ToList();

        Assert.True(named.Count == 0, "The core names a feature or a channel:\n" + string.Join("\n", named));
    }

    [Fact]
    public void FeaturesNameNoChannel()
    {
        var graph = Graph();
        var named = Features.SelectMany(feature => (graph.GetValueOrDefault(feature)?.Keys ?? Enumerable.Empty<string>())
                .Where(Channels.Contains).Select(to => $"{feature} -> {to} (e.g. {graph[feature][to]})"))
            .ToList();

        Assert.True(named.Count == 0, "A feature names a channel (post through Places instead):\n" + string.Join("\n", named));
    }
}
