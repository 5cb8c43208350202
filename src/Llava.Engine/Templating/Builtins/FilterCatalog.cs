using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating.Builtins;

/// <summary>A filter: receives the piped value and the call's own arguments.</summary>
internal delegate Value FilterFunction(Value input, CallArguments args);

/// <summary>
/// The filters available to templates: Jinja2's builtins that chat templates use, with Hugging Face's
/// <c>tojson</c> in place of Jinja2's HTML-safe one. Jinja2 builtins not implemented here are refused by name
/// when the template is parsed.
/// </summary>
internal static class FilterCatalog
{
    private static readonly Dictionary<string, FilterFunction> Filters = new(StringComparer.Ordinal)
    {
        ["abs"] = NumberFilters.Abs,
        ["int"] = NumberFilters.Int,
        ["float"] = NumberFilters.Float,
        ["round"] = NumberFilters.Round,
        ["upper"] = TextFilters.Upper,
        ["lower"] = TextFilters.Lower,
        ["title"] = TextFilters.Title,
        ["capitalize"] = TextFilters.Capitalize,
        ["trim"] = TextFilters.Trim,
        ["replace"] = TextFilters.Replace,
        ["string"] = TextFilters.String,
        ["safe"] = TextFilters.Safe,
        ["e"] = TextFilters.Escape,
        ["escape"] = TextFilters.Escape,
        ["indent"] = TextFilters.Indent,
        ["center"] = TextFilters.Center,
        ["wordcount"] = TextFilters.WordCount,
        ["tojson"] = TextFilters.ToJson,
        ["length"] = CollectionFilters.Length,
        ["count"] = CollectionFilters.Length,
        ["first"] = CollectionFilters.First,
        ["last"] = CollectionFilters.Last,
        ["list"] = CollectionFilters.List,
        ["join"] = CollectionFilters.Join,
        ["default"] = CollectionFilters.Default,
        ["d"] = CollectionFilters.Default,
        ["items"] = CollectionFilters.Items,
        ["dictsort"] = CollectionFilters.DictSort,
        ["sort"] = CollectionFilters.Sort,
        ["unique"] = CollectionFilters.Unique,
        ["reverse"] = CollectionFilters.Reverse,
        ["sum"] = CollectionFilters.Sum,
        ["min"] = CollectionFilters.Min,
        ["max"] = CollectionFilters.Max,
        ["attr"] = CollectionFilters.Attr,
        ["map"] = SelectionFilters.Map,
        ["select"] = SelectionFilters.Select,
        ["reject"] = SelectionFilters.Reject,
        ["selectattr"] = SelectionFilters.SelectAttr,
        ["rejectattr"] = SelectionFilters.RejectAttr,
    };

    private static readonly HashSet<string> UnsupportedJinjaFilters =
    [
        "batch", "filesizeformat", "forceescape", "format", "groupby", "pprint", "random", "slice", "striptags",
        "truncate", "urlencode", "urlize", "wordwrap", "xmlattr",
    ];

    public static bool IsKnown(string name) => Filters.ContainsKey(name);

    /// <summary>Parse-time check, like Jinja2's "No filter named ..." compile error.</summary>
    public static void EnsureKnown(string name, SourcePosition position)
    {
        if (Filters.ContainsKey(name))
            return;
        var message = UnsupportedJinjaFilters.Contains(name)
            ? $"The filter '{name}' is not supported by this template engine."
            : $"No filter named '{name}'.";
        throw new TemplateException(message, position.Line, position.Column);
    }

    public static Value Apply(string name, Value input, CallArguments args) =>
        Filters.TryGetValue(name, out var filter)
            ? filter(input, args)
            : throw new TemplateException($"No filter named '{name}'.");
}
