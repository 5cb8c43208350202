using Llava.Engine.Templating.Runtime;
using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating.Builtins;

/// <summary>
/// Global functions: Jinja2's <c>range</c> (sandbox-capped), <c>dict</c>, <c>namespace</c>, <c>joiner</c>,
/// <c>cycler</c>, plus Hugging Face's <c>raise_exception</c> and <c>strftime_now</c>.
/// </summary>
internal static class Globals
{
    public static IEnumerable<KeyValuePair<string, Value>> Create(TimeProvider clock) =>
    [
        new("range", new BuiltinFunction("range", Range, "type")),
        new("dict", new BuiltinFunction("dict", Dict, "type")),
        new("namespace", new BuiltinFunction("namespace", Namespace, "type")),
        new("joiner", new BuiltinFunction("joiner", Joiner, "type")),
        new("cycler", new BuiltinFunction("cycler", args => new CyclerValue(args.Positional), "type")),
        new("lipsum", BuiltinFunction.Unsupported("lipsum")),
        new("raise_exception", new BuiltinFunction("raise_exception", RaiseException, "function")),
        new("strftime_now", new BuiltinFunction("strftime_now", args => StrftimeNow(args, clock), "function")),
    ];

    private static Value Range(CallArguments args)
    {
        if (args.Named.Count > 0)
            throw new TemplateException("range() takes no keyword arguments");
        var numbers = args.Positional.Select(v => PythonOps.TryGetInteger(v, out var i)
            ? i
            : throw new TemplateException($"'{v.TypeName}' object cannot be interpreted as an integer")).ToArray();
        var range = numbers.Length switch
        {
            1 => new RangeValue(0, numbers[0], 1),
            2 => new RangeValue(numbers[0], numbers[1], 1),
            3 => new RangeValue(numbers[0], numbers[1], numbers[2]),
            _ => throw new TemplateException($"range expected at most 3 arguments, got {numbers.Length}"),
        };
        if (range.Count > RangeValue.MaxItems)
            throw new TemplateException("Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
        return range;
    }

    /// <summary>Python's <c>dict(mapping_or_pairs, **kwargs)</c>.</summary>
    private static DictValue Dict(CallArguments args)
    {
        if (args.Positional.Count > 1)
            throw new TemplateException($"dict expected at most 1 argument, got {args.Positional.Count}");
        var dict = new DictValue();
        if (args.Positional.Count == 1)
        {
            if (args.Positional[0] is DictValue source)
            {
                foreach (var (k, v) in source.Entries)
                    dict.Set(k, v);
            }
            else
            {
                foreach (var pair in PythonOps.Iterate(args.Positional[0]))
                {
                    var kv = PythonOps.Iterate(pair).ToList();
                    if (kv.Count != 2)
                        throw new TemplateException($"dictionary update sequence element has length {kv.Count}; 2 is required");
                    dict.Set(kv[0], kv[1]);
                }
            }
        }
        foreach (var (key, value) in args.Named)
            dict.Set(new StringValue(key), value);
        return dict;
    }

    private static NamespaceValue Namespace(CallArguments args)
    {
        var ns = new NamespaceValue();
        foreach (var (key, value) in Dict(args).Entries)
        {
            if (key is StringValue name)
                ns.Attributes[name.Text] = value;
        }
        return ns;
    }

    private static Value Joiner(CallArguments args)
    {
        var separator = args.Bind("joiner", "sep?")[0]?.Str() ?? ", ";
        var used = false;
        return new BuiltinFunction("joiner", call =>
        {
            call.Bind("joiner");
            var result = used ? separator : "";
            used = true;
            return new StringValue(result);
        }, "Joiner");
    }

    private static Value RaiseException(CallArguments args)
    {
        var message = args.Bind("raise_exception", "message")[0]!;
        throw new TemplateException(message.Str()) { RaisedByTemplate = true };
    }

    private static Value StrftimeNow(CallArguments args, TimeProvider clock)
    {
        var format = args.Bind("strftime_now", "format")[0]!;
        return new StringValue(Strftime.Format(clock.GetLocalNow(), format.Str()));
    }
}
