using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating.Builtins;

/// <summary>
/// <c>map</c>, <c>select</c>, <c>reject</c>, <c>selectattr</c> and <c>rejectattr</c>. As in Jinja2 they return lazy
/// generators: always truthy, no length, consumed by one pass (use <c>|list</c> to keep the result).
/// </summary>
internal static class SelectionFilters
{
    public static Value Map(Value input, CallArguments args)
    {
        Func<Value, Value> func;
        var attribute = args.Named.FirstOrDefault(kv => kv.Key == "attribute").Value;
        if (args.Positional.Count == 0 && attribute is not null)
        {
            var fallback = args.Named.FirstOrDefault(kv => kv.Key == "default").Value;
            var extra = args.Named.FirstOrDefault(kv => kv.Key is not ("attribute" or "default"));
            if (extra.Key is not null)
                throw new TemplateException($"Unexpected keyword argument '{extra.Key}'");
            func = AttributeGetter.Create(attribute, fallback: fallback is NoneValue ? null : fallback);
        }
        else
        {
            if (args.Positional.Count == 0)
                throw new TemplateException("map requires a filter argument");
            var name = args.Positional[0].Str();
            var rest = args.Skip(1);
            func = item => FilterCatalog.Apply(name, item, rest);
        }
        return new IteratorValue(Lazy(input, items => items.Select(func)));
    }

    public static Value Select(Value input, CallArguments args) => Filter(input, args, lookupAttribute: false, keep: true);

    public static Value Reject(Value input, CallArguments args) => Filter(input, args, lookupAttribute: false, keep: false);

    public static Value SelectAttr(Value input, CallArguments args) => Filter(input, args, lookupAttribute: true, keep: true);

    public static Value RejectAttr(Value input, CallArguments args) => Filter(input, args, lookupAttribute: true, keep: false);

    private static Value Filter(Value input, CallArguments args, bool lookupAttribute, bool keep)
    {
        Func<Value, Value> transform = item => item;
        var offset = 0;
        if (lookupAttribute)
        {
            if (args.Positional.Count == 0)
                throw new TemplateException("Missing parameter for attribute name");
            transform = AttributeGetter.Create(args.Positional[0]);
            offset = 1;
        }
        Func<Value, bool> test;
        if (args.Positional.Count > offset)
        {
            var name = args.Positional[offset].Str();
            var rest = args.Skip(offset + 1);
            test = value => TestCatalog.Apply(name, value, rest);
        }
        else
        {
            test = value => value.IsTruthy;
        }
        return new IteratorValue(Lazy(input, items => items.Where(item => test(transform(item)) == keep)));
    }

    /// <summary>Jinja2's generators start with <c>if value:</c>, so a falsy input (undefined, empty) yields nothing.</summary>
    private static IEnumerable<Value> Lazy(Value input, Func<IEnumerable<Value>, IEnumerable<Value>> pipeline)
    {
        if (!input.IsTruthy)
            yield break;
        foreach (var item in pipeline(Runtime.PythonOps.Iterate(input)))
            yield return item;
    }
}
