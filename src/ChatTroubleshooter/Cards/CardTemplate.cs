using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ChatTroubleshooter.Cards;

/// <summary>
/// A card template in the subset of the Adaptive Cards Templating language that our cards use, bound over
/// System.Text.Json nodes (never by string replacement):
/// <list type="bullet">
/// <item><c>${path}</c>: a value from the data: <c>name</c>, <c>a.b.c</c>, <c>$root.a</c>, <c>$index</c>. A string
/// that is exactly <c>${path}</c> takes the value with its JSON type; inside other text it is inserted as text.
/// An unknown path is left in place, as the reference implementation does.</item>
/// <item><c>"$data": "${path}"</c> on an object: binds it to that value; an array repeats the object per item.</item>
/// <item><c>"$when": "${path}"</c> or <c>"${!path}"</c>: keeps the object only when the value is (not) truthy.</item>
/// </list>
/// Anything else inside <c>${…}</c> is rejected when the template is loaded. Inserted values are never
/// scanned again, so user text holding <c>${…}</c>, quotes or markup stays literal.
/// </summary>
internal sealed partial class CardTemplate
{
    private readonly JsonNode _template;

    private CardTemplate(string name, JsonNode template)
    {
        Name = name;
        _template = template;
    }

    public string Name { get; }

    /// <summary>Parses and checks a template; throws listing every unsupported expression.</summary>
    public static CardTemplate Parse(string name, string json)
    {
        var node = JsonNode.Parse(json) ?? throw new CardTemplateException(name, ["empty template"]);
        var errors = new List<string>();
        Check(node, "$", errors);
        if (errors.Count > 0)
        {
            throw new CardTemplateException(name, errors);
        }

        return new CardTemplate(name, node);
    }

    public JsonNode Expand(JsonNode data)
    {
        var scope = new Scope(data, data, null);
        return Expand(_template, scope) ?? throw new InvalidOperationException($"Template {Name} expanded to nothing.");
    }

    private sealed record Scope(JsonNode? Data, JsonNode Root, int? Index);

    private static JsonNode? Expand(JsonNode? node, Scope scope)
    {
        switch (node)
        {
            case JsonObject obj:
            {
                if (obj["$data"] is JsonValue dataValue && dataValue.TryGetValue<string>(out var dataExpr))
                {
                    scope = scope with { Data = Resolve(Expression(dataExpr)!, scope, out var found) is var bound && found ? bound : null, Index = null };
                }

                if (obj["$when"] is JsonValue whenValue && whenValue.TryGetValue<string>(out var whenExpr) && !IsTruthy(whenExpr, scope))
                {
                    return null;
                }

                var result = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    if (key is "$data" or "$when")
                    {
                        continue;
                    }

                    var expanded = ExpandValue(value, scope);
                    if (expanded.Present)
                    {
                        result[key] = expanded.Node;
                    }
                }

                return result;
            }

            case JsonArray array:
            {
                var result = new JsonArray();
                foreach (var item in array)
                {
                    // An element bound to an array by $data is repeated once per item.
                    if (item is JsonObject element && element["$data"] is JsonValue v && v.TryGetValue<string>(out var expr)
                        && Resolve(Expression(expr)!, scope, out _) is JsonArray items)
                    {
                        for (var i = 0; i < items.Count; i++)
                        {
                            var copy = element.DeepClone().AsObject();
                            copy.Remove("$data");
                            if (Expand(copy, new Scope(items[i], scope.Root, i)) is { } expanded)
                            {
                                result.Add(expanded);
                            }
                        }

                        continue;
                    }

                    if (Expand(item, scope) is { } one)
                    {
                        result.Add(one);
                    }
                }

                return result;
            }

            default:
                return ExpandValue(node, scope).Node;
        }
    }

    private static (bool Present, JsonNode? Node) ExpandValue(JsonNode? node, Scope scope)
    {
        if (node is JsonObject or JsonArray)
        {
            var expanded = Expand(node, scope);
            return (expanded is not null, expanded);
        }

        if (node is not JsonValue value || !value.TryGetValue<string>(out var text) || !text.Contains("${", StringComparison.Ordinal))
        {
            return (true, node?.DeepClone());
        }

        // Exactly one expression: keep the bound value's JSON type.
        var whole = WholeExpression().Match(text);
        if (whole.Success)
        {
            var resolved = Resolve(whole.Groups[1].Value, scope, out var found);
            return found ? (true, resolved?.DeepClone()) : (true, JsonValue.Create(text));
        }

        var builder = new StringBuilder(text.Length);
        var last = 0;
        foreach (Match m in EmbeddedExpression().Matches(text))
        {
            builder.Append(text, last, m.Index - last);
            var resolved = Resolve(m.Groups[1].Value, scope, out var found);
            builder.Append(found ? AsText(resolved) : m.Value);
            last = m.Index + m.Length;
        }

        builder.Append(text, last, text.Length - last);
        return (true, JsonValue.Create(builder.ToString()));
    }

    private static string AsText(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        _ => node.ToJsonString(),
    };

    private static bool IsTruthy(string whenExpr, Scope scope)
    {
        var expr = Expression(whenExpr)!;
        var negate = expr.StartsWith('!');
        var value = Resolve(negate ? expr[1..] : expr, scope, out var found);
        var truthy = found && value switch
        {
            null => false,
            JsonValue v when v.TryGetValue<bool>(out var b) => b,
            JsonValue v when v.TryGetValue<string>(out var s) => s.Length > 0,
            JsonValue v when v.TryGetValue<double>(out var d) => d != 0,
            JsonArray a => a.Count > 0,
            _ => true,
        };
        return negate ? !truthy : truthy;
    }

    private static JsonNode? Resolve(string path, Scope scope, out bool found)
    {
        found = true;
        if (path == "$index")
        {
            return scope.Index is { } i ? JsonValue.Create(i) : null;
        }

        var parts = path.Split('.');
        JsonNode? current;
        var start = 0;
        if (parts[0] == "$root")
        {
            current = scope.Root;
            start = 1;
        }
        else if (parts[0] == "$data")
        {
            current = scope.Data;
            start = 1;
        }
        else
        {
            current = scope.Data;
        }

        for (var i = start; i < parts.Length; i++)
        {
            if (current is not JsonObject obj || !obj.TryGetPropertyValue(parts[i], out current))
            {
                found = false;
                return null;
            }
        }

        return current;
    }

    private static string? Expression(string text)
    {
        var m = WholeExpression().Match(text);
        return m.Success ? m.Groups[1].Value : null;
    }

    private static void Check(JsonNode? node, string where, List<string> errors)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    var at = $"{where}.{key}";
                    if (key is "$data" or "$when")
                    {
                        var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
                        var expr = text is null ? null : Expression(text);
                        if (expr is null || !PathExpression().IsMatch(expr) || (key == "$data" && expr.StartsWith('!')))
                        {
                            errors.Add($"{at}: must be \"${{path}}\"{(key == "$when" ? " or \"${!path}\"" : "")}, got {value?.ToJsonString()}");
                        }

                        continue;
                    }

                    if (key.StartsWith('$') && key != "$schema")
                    {
                        errors.Add($"{at}: unsupported template keyword '{key}'.");
                    }

                    Check(value, at, errors);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Check(array[i], $"{where}[{i}]", errors);
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var text) && text.Contains("${", StringComparison.Ordinal):
                foreach (Match m in AnyExpression().Matches(text))
                {
                    if (!PathExpression().IsMatch(m.Groups[1].Value) || m.Groups[1].Value.StartsWith('!'))
                    {
                        errors.Add($"{where}: unsupported expression '{m.Value}' (only ${{path}} is supported).");
                    }
                }

                break;
        }
    }

    [GeneratedRegex(@"^\$\{([^{}]*)\}$")]
    private static partial Regex WholeExpression();

    [GeneratedRegex(@"\$\{([^{}]*)\}")]
    private static partial Regex EmbeddedExpression();

    [GeneratedRegex(@"\$\{([^}]*)\}?")]
    private static partial Regex AnyExpression();

    [GeneratedRegex(@"^!?(\$root|\$data|\$index|[A-Za-z_][A-Za-z0-9_]*)(\.[A-Za-z_][A-Za-z0-9_]*)*$")]
    private static partial Regex PathExpression();
}

internal sealed class CardTemplateException(string name, IReadOnlyList<string> errors)
    : Exception($"Card template '{name}' is invalid:{Environment.NewLine}{string.Join(Environment.NewLine, errors.Select(e => "  - " + e))}")
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
