using ChatTroubleshooter.Diagnostics.Extraction;
using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Rules;
using ChatTroubleshooter.Diagnostics.Texts;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace ChatTroubleshooter.Diagnostics;

/// <summary>
/// Reads <c>rules.yaml</c>, <c>texts/&lt;lang&gt;.yaml</c> and <c>lexicons/&lt;lang&gt;.yaml</c>, checks them against
/// each other and throws one <see cref="KnowledgeException"/> that lists every problem found.
/// </summary>
public static class KnowledgeLoader
{
    public const string RulesFile = "rules.yaml";

    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(HyphenatedNamingConvention.Instance)
        .Build();

    public static Knowledge Load(IReadOnlyDictionary<string, string> files)
    {
        var errors = new List<string>();

        var rules = LoadRules(files, errors);
        var texts = LoadTexts(files, errors);
        var lexicons = LoadLexicons(files, rules, errors);
        CheckTexts(rules, texts, errors);

        if (errors.Count > 0)
        {
            throw new KnowledgeException(errors);
        }

        return new Knowledge(rules!, new TextCatalog(texts), lexicons);
    }

    private static T? Parse<T>(IReadOnlyDictionary<string, string> files, string path, List<string> errors)
        where T : class
    {
        if (!files.TryGetValue(path, out var content))
        {
            errors.Add($"{path}: file is missing.");
            return null;
        }

        try
        {
            return Yaml.Deserialize<T>(content) ?? throw new YamlException($"{path} is empty.");
        }
        catch (YamlException e)
        {
            errors.Add($"{path}: {Describe(e)}");
            return null;
        }
    }

    private static string Describe(YamlException e) =>
        e.Start.Line > 0 ? $"line {e.Start.Line}: {(e.InnerException ?? e).Message}" : e.Message;

    private static RuleSet? LoadRules(IReadOnlyDictionary<string, string> files, List<string> errors)
    {
        var file = Parse<RuleFile>(files, RulesFile, errors);
        if (file is null)
        {
            return null;
        }

        var before = errors.Count;
        if (file.Version != 1)
        {
            errors.Add($"{RulesFile}: version {file.Version} is not supported (expected 1).");
        }

        var facts = new List<FactDefinition>();
        foreach (var (entry, index) in (file.Facts ?? []).Select((f, i) => (f, i)))
        {
            var where = $"{RulesFile}: fact #{index + 1} '{entry.Id}'";
            if (string.IsNullOrWhiteSpace(entry.Id) || !IsId(entry.Id))
            {
                errors.Add($"{where}: id must be lower-case words joined by '-'.");
                continue;
            }

            if (facts.Any(f => f.Id == entry.Id))
            {
                errors.Add($"{where}: duplicate fact id.");
                continue;
            }

            FactType? type = entry.Type switch
            {
                "yes-no" => FactType.YesNo,
                "choice" => FactType.Choice,
                "seconds" => FactType.Seconds,
                _ => null,
            };
            if (type is null)
            {
                errors.Add($"{where}: type '{entry.Type}' is unknown (yes-no, choice, seconds).");
                continue;
            }

            var options = new List<AnswerOption>();
            if (type == FactType.YesNo)
            {
                if (entry.Options is { Count: > 0 })
                {
                    errors.Add($"{where}: a yes-no fact has the options yes and no; do not list options.");
                }

                options.Add(new AnswerOption("yes", "option.yes"));
                options.Add(new AnswerOption("no", "option.no"));
            }
            else
            {
                foreach (var option in entry.Options ?? [])
                {
                    if (!FactValue.TryParse(option.Value, out var value) || value.IsRange != (type == FactType.Seconds)
                        || value.Symbol == AnswerOption.Unknown)
                    {
                        errors.Add($"{where}: option value '{option.Value}' does not fit a {entry.Type} fact.");
                    }
                    else if (string.IsNullOrWhiteSpace(option.Text))
                    {
                        errors.Add($"{where}: option '{option.Value}' has no text key.");
                    }
                    else if (options.Any(o => o.Value == value.ToWire()))
                    {
                        errors.Add($"{where}: option '{option.Value}' is listed twice.");
                    }
                    else
                    {
                        options.Add(new AnswerOption(value.ToWire(), option.Text));
                    }
                }

                if (options.Count < 2)
                {
                    errors.Add($"{where}: a question needs at least two options.");
                }
            }

            facts.Add(new FactDefinition(entry.Id, type.Value, options, facts.Count));
        }

        var links = new Dictionary<string, HelpLink>(StringComparer.Ordinal);
        foreach (var (id, link) in file.Links ?? [])
        {
            if (string.IsNullOrWhiteSpace(link.Url) || string.IsNullOrWhiteSpace(link.Text))
            {
                errors.Add($"{RulesFile}: link '{id}' needs a url and a text key.");
                continue;
            }

            if (!IsHttps(link.Url.Replace("{locale}", "en", StringComparison.Ordinal)))
            {
                errors.Add($"{RulesFile}: link '{id}' is not an https URL: {link.Url}");
            }

            links[id] = new HelpLink(id, link.Url, link.Text);
        }

        var factsById = facts.ToDictionary(f => f.Id, StringComparer.Ordinal);
        var causes = new List<CauseDefinition>();
        foreach (var (entry, index) in (file.Causes ?? []).Select((c, i) => (c, i)))
        {
            var where = $"{RulesFile}: cause #{index + 1} '{entry.Id}'";
            if (string.IsNullOrWhiteSpace(entry.Id) || !IsId(entry.Id))
            {
                errors.Add($"{where}: id must be lower-case words joined by '-'.");
                continue;
            }

            if (causes.Any(c => c.Id == entry.Id))
            {
                errors.Add($"{where}: duplicate cause id.");
            }

            if (entry.Priority is null)
            {
                errors.Add($"{where}: priority is missing.");
            }

            var when = entry.When is null ? null : ToCondition(entry.When, factsById, where, errors);
            if (entry.When is null)
            {
                errors.Add($"{where}: 'when' is missing.");
            }

            var causeLinks = new List<HelpLink>();
            foreach (var linkId in entry.Links ?? [])
            {
                if (links.TryGetValue(linkId, out var link))
                {
                    causeLinks.Add(link);
                }
                else
                {
                    errors.Add($"{where}: link '{linkId}' is not defined under 'links'.");
                }
            }

            if (when is not null)
            {
                causes.Add(new CauseDefinition(entry.Id, entry.Priority ?? int.MaxValue, when, causeLinks, index));
            }
        }

        if (causes.Count == 0)
        {
            errors.Add($"{RulesFile}: no causes.");
        }

        var implications = new List<Implication>();
        foreach (var (entry, index) in (file.Implications ?? []).Select((e, i) => (e, i)))
        {
            var where = $"{RulesFile}: implication #{index + 1}";
            var when = ParseFactValue(entry.When, factsById, where, errors, rangeAllowed: true);
            var then = (entry.Then ?? []).Select(t => ParseFactValue(t, factsById, where, errors)).ToList();
            if (then.Count == 0)
            {
                errors.Add($"{where}: 'then' is missing or empty.");
            }
            else if (when is { } w && then.All(t => t is not null))
            {
                if (then.Any(t => t!.Value.Fact == w.Fact))
                {
                    errors.Add($"{where}: a fact cannot imply itself.");
                }

                implications.Add(new Implication(w.Fact, w.Value, then.Select(t => t!.Value).ToArray()));
            }
        }

        return errors.Count > before
            ? null
            : new RuleSet(facts, causes.OrderBy(c => c.Priority).ThenBy(c => c.Order).ToArray(), implications);
    }

    /// <summary>
    /// Reads "fact=value" for a yes-no or choice fact of the rules (cue keys, implications); with
    /// <paramref name="rangeAllowed"/>, also "fact=min..max" for a seconds fact (an implication's condition).
    /// </summary>
    private static (string Fact, FactValue Value)? ParseFactValue(
        string? text, IReadOnlyDictionary<string, FactDefinition> facts, string where, List<string> errors, bool rangeAllowed = false)
    {
        var parts = (text ?? "").Split('=', 2);
        if (parts.Length == 2 && facts.TryGetValue(parts[0], out var fact))
        {
            if (fact.Type != FactType.Seconds && fact.FindOption(parts[1]) is not null)
            {
                return (fact.Id, FactValue.Of(parts[1]));
            }

            if (rangeAllowed && fact.Type == FactType.Seconds && FactValue.TryParse(parts[1], out var range) && range.IsRange)
            {
                return (fact.Id, range);
            }
        }

        errors.Add(rangeAllowed
            ? $"{where} '{text}' must be '<fact>=<value>' for a yes-no or choice fact, or '<fact>=<min>..<max>' for a seconds fact."
            : $"{where} '{text}' must be '<fact>=<value>' for a yes-no or choice fact.");
        return null;
    }

    private static Condition? ToCondition(
        ConditionEntry entry, IReadOnlyDictionary<string, FactDefinition> facts, string where, List<string> errors)
    {
        var forms = (entry.All is not null ? 1 : 0) + (entry.Any is not null ? 1 : 0) + (entry.Fact is not null ? 1 : 0);
        if (forms != 1)
        {
            errors.Add($"{where}: a condition is exactly one of 'all', 'any' or 'fact'.");
            return null;
        }

        if (entry.All is not null || entry.Any is not null)
        {
            var items = (entry.All ?? entry.Any)!;
            if (items.Count == 0)
            {
                errors.Add($"{where}: '{(entry.All is not null ? "all" : "any")}' is empty.");
                return null;
            }

            var converted = items.Select(i => ToCondition(i, facts, where, errors)).ToList();
            if (converted.Any(c => c is null))
            {
                return null;
            }

            return entry.All is not null ? new AllCondition(converted!) : new AnyCondition(converted!);
        }

        if (!facts.TryGetValue(entry.Fact!, out var fact))
        {
            errors.Add($"{where}: unknown fact '{entry.Fact}'.");
            return null;
        }

        var operators = (entry.EqualTo is not null ? 1 : 0) + (entry.LessThan is not null ? 1 : 0) + (entry.GreaterThan is not null ? 1 : 0);
        if (operators != 1)
        {
            errors.Add($"{where}: the condition on '{fact.Id}' needs exactly one of equals, less-than, greater-than.");
            return null;
        }

        if (entry.EqualTo is not null)
        {
            if (fact.Type == FactType.Seconds || fact.FindOption(entry.EqualTo) is null)
            {
                errors.Add($"{where}: '{fact.Id}' cannot equal '{entry.EqualTo}' (values: {string.Join(", ", fact.Options.Select(o => o.Value))}).");
                return null;
            }

            return new FactCondition(fact.Id, Comparison.EqualTo, FactValue.Of(entry.EqualTo));
        }

        if (fact.Type != FactType.Seconds)
        {
            errors.Add($"{where}: less-than and greater-than apply only to seconds facts, not '{fact.Id}'.");
            return null;
        }

        return entry.LessThan is { } lt
            ? new FactCondition(fact.Id, Comparison.LessThan, FactValue.Seconds(lt))
            : new FactCondition(fact.Id, Comparison.GreaterThan, FactValue.Seconds(entry.GreaterThan!.Value));
    }

    private static Dictionary<string, IReadOnlyDictionary<string, TextEntry>> LoadTexts(
        IReadOnlyDictionary<string, string> files, List<string> errors)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, TextEntry>>(StringComparer.Ordinal);
        foreach (var language in Languages.Supported)
        {
            var path = $"texts/{language}.yaml";
            var raw = Parse<Dictionary<string, object>>(files, path, errors);
            if (raw is null)
            {
                continue;
            }

            var texts = new Dictionary<string, TextEntry>(StringComparer.Ordinal);
            foreach (var (key, value) in raw)
            {
                switch (value)
                {
                    case string s when !string.IsNullOrWhiteSpace(s):
                        texts[key] = new TextEntry([s.Trim()], IsList: false);
                        break;
                    case List<object> list when list.Count > 0 && list.All(i => i is string s && !string.IsNullOrWhiteSpace(s)):
                        texts[key] = new TextEntry(list.Cast<string>().Select(s => s.Trim()).ToArray(), IsList: true);
                        break;
                    default:
                        errors.Add($"{path}: '{key}' must be a non-empty text or a list of texts.");
                        break;
                }
            }

            result[language] = texts;
        }

        return result;
    }

    /// <summary>Checks the texts against the keys the code needs and, when the rules loaded, the keys they need.</summary>
    private static void CheckTexts(
        RuleSet? rules, Dictionary<string, IReadOnlyDictionary<string, TextEntry>> texts, List<string> errors)
    {
        // Every key the rules and the code need, with the placeholders it may use (null: any, checked against English).
        var required = new Dictionary<string, (bool IsList, IReadOnlySet<string>? Allowed)>(StringComparer.Ordinal);
        foreach (var key in TextKeys.All)
        {
            required[key] = (TextKeys.Lists.Contains(key), null);
        }

        foreach (var fact in rules?.Facts ?? [])
        {
            required[fact.NameKey] = (false, Empty);
            // Every fact can be asked, so every fact needs a question.
            required[fact.QuestionKey] = (false, Empty);
            foreach (var option in fact.Options)
            {
                required[option.TextKey] = (false, Empty);
            }
        }

        foreach (var cause in rules?.Causes ?? [])
        {
            required[cause.TitleKey] = (false, Empty);
            // Evidence may cite only the facts its conditions name.
            required[cause.EvidenceKey] = (false, cause.When.FactIds().ToHashSet(StringComparer.Ordinal));
            required[cause.StepsKey] = (true, Empty);
            // What the agent can send the customer for this cause: paragraphs with no placeholder to fill.
            required[cause.DraftKey] = (true, Empty);
            foreach (var link in cause.Links)
            {
                required[link.TextKey] = (false, Empty);
            }
        }

        texts.TryGetValue(Languages.Default, out var english);

        // Steps of a cause for one direction are optional; once English has them, every language must.
        foreach (var cause in rules?.Causes ?? [])
        {
            foreach (var option in rules!.FactsById.TryGetValue(CauseDefinition.StepsVariantFact, out var variant) ? variant.Options : [])
            {
                if (english?.ContainsKey(cause.StepsKeyFor(option.Value)) == true)
                {
                    required[cause.StepsKeyFor(option.Value)] = (true, Empty);
                }
            }
        }
        foreach (var (language, entries) in texts)
        {
            var path = $"texts/{language}.yaml";
            foreach (var (key, (isList, allowed)) in required)
            {
                if (!entries.TryGetValue(key, out var entry))
                {
                    errors.Add($"{path}: text '{key}' is missing.");
                    continue;
                }

                if (entry.IsList != isList)
                {
                    errors.Add($"{path}: '{key}' must be {(isList ? "a list of texts" : "one text")}.");
                    continue;
                }

                var used = entry.Items.SelectMany(TextCatalog.Placeholders).ToHashSet(StringComparer.Ordinal);
                if (allowed is not null && !used.IsSubsetOf(allowed))
                {
                    errors.Add($"{path}: '{key}' uses placeholders {{{string.Join("}, {", used.Except(allowed))}}} that it cannot fill.");
                }
                else if (language != Languages.Default && english is not null && english.TryGetValue(key, out var reference))
                {
                    var expected = reference.Items.SelectMany(TextCatalog.Placeholders).ToHashSet(StringComparer.Ordinal);
                    if (!used.SetEquals(expected))
                    {
                        errors.Add($"{path}: '{key}' has placeholders {{{string.Join("}, {", used.Order())}}} but English has {{{string.Join("}, {", expected.Order())}}}.");
                    }
                }
            }

            foreach (var key in entries.Keys.Where(k => rules is not null && !required.ContainsKey(k)))
            {
                errors.Add($"{path}: '{key}' is not used by the rules or the code (a typo?).");
            }

            foreach (var link in (rules?.Causes ?? []).SelectMany(c => c.Links).Distinct())
            {
                if (entries.TryGetValue(TextKeys.LinkLocale, out var locale)
                    && !IsHttps(link.UrlTemplate.Replace("{locale}", locale.Single, StringComparison.Ordinal)))
                {
                    errors.Add($"{path}: link '{link.Id}' with locale '{locale.Single}' is not an https URL.");
                }
            }
        }
    }

    private static Dictionary<string, Lexicon> LoadLexicons(
        IReadOnlyDictionary<string, string> files, RuleSet? rules, List<string> errors)
    {
        var result = new Dictionary<string, Lexicon>(StringComparer.Ordinal);
        foreach (var language in Languages.Supported)
        {
            var path = $"lexicons/{language}.yaml";
            var file = Parse<LexiconFile>(files, path, errors);
            if (file is null)
            {
                continue;
            }

            List<Phrase> Phrases(List<string>? items, string name, bool required = true)
            {
                if (required && (items is null || items.Count == 0))
                {
                    errors.Add($"{path}: '{name}' is missing or empty.");
                }

                var phrases = (items ?? []).Select(s => new Phrase(s ?? "")).ToList();
                foreach (var empty in phrases.Where(p => p.IsEmpty && p.Source != "?"))
                {
                    errors.Add($"{path}: '{name}' has an entry with no words: '{empty.Source}'.");
                }

                return phrases;
            }

            var negations = Phrases(file.Negations, "negations");
            var cues = new List<Cue>();
            // Without valid rules the cues cannot be checked; the rules' own errors are reported already.
            foreach (var (key, phrases) in rules is null ? [] : file.Cues ?? [])
            {
                if (ParseFactValue(key, rules!.FactsById, $"{path}: cue", errors) is var (fact, value))
                {
                    cues.AddRange(Phrases(phrases, $"cues.{key}").Select(p => new Cue(fact, value, p, p.Contains(negations))));
                }
            }

            if (file.Cues is null or { Count: 0 })
            {
                errors.Add($"{path}: 'cues' is missing or empty.");
            }

            var numbers = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (word, value) in file.Numbers ?? [])
            {
                numbers[Tokenizer.Normalize(word)] = value;
            }

            var durationPhrases = new List<(Phrase, double)>();
            foreach (var (source, seconds) in file.DurationPhrases ?? [])
            {
                var phrase = Phrases([source], "duration-phrases")[0];
                if (seconds <= 0)
                {
                    errors.Add($"{path}: duration phrase '{source}' needs a number of seconds above 0.");
                }

                durationPhrases.Add((phrase, seconds));
            }

            result[language] = new Lexicon
            {
                Language = language,
                Words = (file.Words ?? []).Select(w => Tokenizer.Normalize(w)).ToHashSet(StringComparer.Ordinal),
                Loanwords = (file.Loanwords ?? []).Select(w => Tokenizer.Normalize(w)).ToHashSet(StringComparer.Ordinal),
                Negations = negations,
                NotNegating = Phrases(file.NotNegating, "not-negating"),
                ClauseBreaks = Phrases(file.ClauseBreaks, "clause-breaks"),
                Yes = Phrases(file.Yes, "yes"),
                No = Phrases(file.No, "no"),
                Unknown = Phrases(file.Unknown, "unknown"),
                Help = Phrases(file.Help, "help"),
                Restart = Phrases(file.Restart, "restart"),
                Greetings = Phrases(file.Greetings, "greetings"),
                Thanks = Phrases(file.Thanks, "thanks"),
                Seconds = Phrases(file.Units?.Seconds, "units.seconds"),
                Minutes = Phrases(file.Units?.Minutes, "units.minutes"),
                Hours = Phrases(file.Units?.Hours, "units.hours"),
                Half = Phrases(file.Half, "half"),
                And = Phrases(file.And, "and"),
                MoreThan = Phrases(file.MoreThan, "more-than"),
                LessThan = Phrases(file.LessThan, "less-than"),
                NumberWords = numbers,
                VoicemailWords = Phrases(file.VoicemailWords, "voicemail-words"),
                Cues = cues.OrderByDescending(c => c.Phrase.Length).ThenBy(c => c.Phrase.HasGap).ToArray(),
                AtMost = Phrases(file.AtMost, "at-most"),
                AtLeast = Phrases(file.AtLeast, "at-least"),
                Or = Phrases(file.Or, "or"),
                DurationPhrases = durationPhrases.OrderByDescending(d => d.Item1.Length).ToArray(),
                DurationWords = Phrases(file.DurationWords, "duration-words"),
                Corrections = Phrases(file.Corrections, "corrections"),
                NegationsAfter = Phrases(file.NegationsAfter, "negations-after"),
                Hedges = Phrases(file.Hedges, "hedges"),
                WhyWords = Phrases(file.WhyWords, "why-words"),
                ReportedSpeech = Phrases(file.ReportedSpeech, "reported-speech"),
                OtherCall = Phrases(file.OtherCall, "other-call"),
            };

            if (result[language].Words.Count < 20)
            {
                errors.Add($"{path}: 'words' needs at least 20 frequent words to recognise the language.");
            }
        }

        return result;
    }

    private static readonly IReadOnlySet<string> Empty = new HashSet<string>();

    private static bool IsId(string id) =>
        id.Length > 0 && char.IsAsciiLetterLower(id[0]) && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    private static bool IsHttps(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && !string.IsNullOrEmpty(uri.Host);

}
