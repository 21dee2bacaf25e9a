using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ChatTroubleshooter.Json;

/// <summary>
/// A derived type stored under a polymorphic base that another concern declares (a feature's <c>Work</c> under the
/// outbox's, a channel's place under <c>PlaceAddress</c>): registered by the feature from its <c>AddXxx</c>, so the base
/// lists no derived type and depends on none. The discriminator is part of the stored JSON: renaming one leaves items
/// already stored unreadable.
/// </summary>
public sealed record StoredType(Type Base, Type Derived, string Discriminator);

/// <summary>A feature's source-generated JSON context: the metadata of the types it stores.</summary>
public sealed record StoredJsonContext(IJsonTypeInfoResolver Resolver);

public static class StoredJsonExtensions
{
    /// <summary>
    /// <typeparamref name="TDerived"/> is stored under <typeparamref name="TBase"/> as <paramref name="discriminator"/>;
    /// <paramref name="context"/> (the feature's source-generated context) gives its metadata.
    /// </summary>
    public static IServiceCollection AddStoredType<TBase, TDerived>(this IServiceCollection services, string discriminator, IJsonTypeInfoResolver context)
        where TDerived : TBase
    {
        services.AddSingleton(new StoredType(typeof(TBase), typeof(TDerived), discriminator));
        services.AddSingleton(new StoredJsonContext(context));
        return services;
    }
}

/// <summary>
/// The one JSON of what is stored: the source-generated contexts of every registered concern, combined, with the
/// registered derived types added to their bases. Strict reading: a missing constructor field or a null where the
/// record says non-null is unreadable (so nulls are written, not left out).
/// </summary>
public sealed class StoredJson
{
    public StoredJson(IEnumerable<StoredType> types, IEnumerable<StoredJsonContext> contexts)
    {
        var byBase = types.GroupBy(t => t.Base).ToDictionary(g => g.Key, g => g.ToList());
        var duplicates = byBase.SelectMany(g => g.Value.GroupBy(t => t.Discriminator).Where(d => d.Count() > 1)
            .Select(d => $"{g.Key.Name}: \"{d.Key}\" is registered for {string.Join(" and ", d.Select(t => t.Derived.Name))}")).ToList();
        if (duplicates.Count > 0)
        {
            throw new InvalidOperationException("Stored types share a discriminator: " + string.Join("; ", duplicates));
        }

        var resolver = JsonTypeInfoResolver.Combine([.. contexts.Select(c => c.Resolver).Distinct()])
            .WithAddedModifier(info => AddDerivedTypes(info, byBase));
        Options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            TypeInfoResolver = resolver,
        };
        Options.MakeReadOnly();
    }

    public JsonSerializerOptions Options { get; }

    public string Serialize<T>(T value) => JsonSerializer.Serialize(value, Info<T>());

    /// <summary>A value read back, or null when it cannot be read (stored by an older version, or damaged): never a crash.</summary>
    public T? TryDeserialize<T>(string json)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(json, Info<T>());
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            return null;
        }
    }

    private JsonTypeInfo<T> Info<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

    private static void AddDerivedTypes(JsonTypeInfo info, Dictionary<Type, List<StoredType>> byBase)
    {
        if (!byBase.TryGetValue(info.Type, out var derived))
        {
            return;
        }

        info.PolymorphismOptions ??= new JsonPolymorphismOptions
        {
            TypeDiscriminatorPropertyName = info.Type.GetCustomAttribute<JsonPolymorphicAttribute>()?.TypeDiscriminatorPropertyName ?? "$type",
        };
        foreach (var type in derived)
        {
            info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(type.Derived, type.Discriminator));
        }
    }
}
