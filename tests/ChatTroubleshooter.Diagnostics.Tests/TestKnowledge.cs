using ChatTroubleshooter.Diagnostics.Facts;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace ChatTroubleshooter.Diagnostics.Tests;

internal static class TestKnowledge
{
    /// <summary>The shipped knowledge, loaded once for all tests.</summary>
    public static Knowledge Shipped { get; } = Knowledge.LoadEmbedded();

    public static IDeserializer Yaml { get; } = new DeserializerBuilder()
        .WithNamingConvention(HyphenatedNamingConvention.Instance)
        .Build();

    public static T ReadTestData<T>(string name) =>
        Yaml.Deserialize<T>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", name)));

    public static FactSet Facts(IReadOnlyDictionary<string, string> values, FactSource source = FactSource.Answer) =>
        FactSet.From(values.Select(kv => new Fact(
            kv.Key,
            FactValue.TryParse(kv.Value, out var v) ? v : throw new ArgumentException(kv.Value),
            source,
            Evidence.Of("evidence.text", ("quote", kv.Value)))));
}
