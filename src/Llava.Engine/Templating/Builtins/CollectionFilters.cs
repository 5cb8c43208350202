using System.Text;
using Llava.Engine.Templating.Runtime;
using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating.Builtins;

/// <summary>Filters over sequences and mappings, following Jinja2's implementations (including which ones are lazy).</summary>
internal static class CollectionFilters
{
    public static Value Length(Value input, CallArguments args)
    {
        args.Bind("length");
        return new IntValue(PythonOps.Len(input));
    }

    public static Value First(Value input, CallArguments args)
    {
        args.Bind("first");
        foreach (var item in PythonOps.Iterate(input))
            return item;
        return UndefinedValue.WithHint("No first item, sequence was empty.");
    }

    public static Value Last(Value input, CallArguments args)
    {
        args.Bind("last");
        if (input is IteratorValue || input.Iterate() is null)
            throw new TemplateException($"'{input.TypeName}' object is not reversible");
        return input.Iterate()!.LastOrDefault() ?? UndefinedValue.WithHint("No last item, sequence was empty.");
    }

    public static Value List(Value input, CallArguments args)
    {
        args.Bind("list");
        return new ListValue(PythonOps.Iterate(input).ToList());
    }

    public static Value Join(Value input, CallArguments args)
    {
        var a = args.Bind("join", "d?", "attribute?");
        var separator = a[0]?.Str() ?? "";
        var items = PythonOps.Iterate(input);
        if (a[1] is { } attribute and not NoneValue)
            items = items.Select(AttributeGetter.Create(attribute));
        var sb = new StringBuilder();
        var first = true;
        foreach (var item in items)
        {
            if (!first)
                sb.Append(separator);
            sb.Append(item.Str());
            first = false;
        }
        return new StringValue(sb.ToString());
    }

    public static Value Default(Value input, CallArguments args)
    {
        var a = args.Bind("default", "default_value?", "boolean?");
        var useDefault = input is UndefinedValue || ((a[1]?.IsTruthy ?? false) && !input.IsTruthy);
        return useDefault ? a[0] ?? StringValue.Empty : input;
    }

    /// <summary>Lazy like Jinja2's: a non-mapping input only fails once the result is consumed.</summary>
    public static Value Items(Value input, CallArguments args)
    {
        args.Bind("items");
        return new IteratorValue(Pairs(input));

        static IEnumerable<Value> Pairs(Value input)
        {
            if (input is UndefinedValue)
                yield break;
            if (input is not DictValue dict)
                throw new TemplateException("Can only get item pairs from a mapping.");
            foreach (var (key, value) in dict.Entries.ToList())
                yield return ListValue.Tuple(key, value);
        }
    }

    public static Value DictSort(Value input, CallArguments args)
    {
        var a = args.Bind("dictsort", "case_sensitive?", "by?", "reverse?");
        var caseSensitive = a[0]?.IsTruthy ?? false;
        var position = (a[1]?.Str() ?? "key") switch
        {
            "key" => 0,
            "value" => 1,
            _ => throw new TemplateException("You can only sort by either \"key\" or \"value\""),
        };
        if (input is not DictValue dict)
            throw new TemplateException($"'{input.TypeName}' object has no attribute 'items'");
        var pairs = dict.Entries.Select(e => (Value)ListValue.Tuple(e.Key, e.Value)).ToList();
        Func<Value, Value> key = pair => ((ListValue)pair).Items[position];
        if (!caseSensitive)
            key = pair => AttributeGetter.IgnoreCase(((ListValue)pair).Items[position]);
        return new ListValue(SortStable(pairs, key, a[2]?.IsTruthy ?? false));
    }

    public static Value Sort(Value input, CallArguments args)
    {
        var a = args.Bind("sort", "reverse?", "case_sensitive?", "attribute?");
        var caseSensitive = a[1]?.IsTruthy ?? false;
        var key = AttributeGetter.CreateMulti(a[2], caseSensitive ? null : AttributeGetter.IgnoreCase);
        return new ListValue(SortStable(PythonOps.Iterate(input).ToList(), key, a[0]?.IsTruthy ?? false));
    }

    /// <summary>
    /// Python's <c>sorted(items, key, reverse)</c>: stable in both directions. A plain merge sort, because .NET's
    /// sorts wrap comparison errors (Python's TypeError for mixed types) in their own exception.
    /// </summary>
    private static List<Value> SortStable(List<Value> items, Func<Value, Value> key, bool reverse)
    {
        var keyed = items.Select(item => (Item: item, Key: key(item))).ToArray();
        var buffer = new (Value Item, Value Key)[keyed.Length];
        MergeSort(keyed, buffer, 0, keyed.Length, (x, y) => reverse ? PythonOps.Compare(y, x) : PythonOps.Compare(x, y));
        return keyed.Select(k => k.Item).ToList();
    }

    private static void MergeSort((Value Item, Value Key)[] a, (Value Item, Value Key)[] buffer, int from, int to, Func<Value, Value, int> compare)
    {
        if (to - from < 2)
            return;
        var mid = (from + to) / 2;
        MergeSort(a, buffer, from, mid, compare);
        MergeSort(a, buffer, mid, to, compare);
        int i = from, j = mid, k = from;
        while (i < mid && j < to)
            buffer[k++] = compare(a[j].Key, a[i].Key) < 0 ? a[j++] : a[i++];
        while (i < mid)
            buffer[k++] = a[i++];
        while (j < to)
            buffer[k++] = a[j++];
        Array.Copy(buffer, from, a, from, to - from);
    }

    public static Value Unique(Value input, CallArguments args)
    {
        var a = args.Bind("unique", "case_sensitive?", "attribute?");
        var getter = AttributeGetter.Create(a[1], (a[0]?.IsTruthy ?? false) ? null : AttributeGetter.IgnoreCase);
        var items = PythonOps.Iterate(input);
        return new IteratorValue(Distinct(items, getter));

        static IEnumerable<Value> Distinct(IEnumerable<Value> items, Func<Value, Value> getter)
        {
            var seen = new HashSet<Value>(KeyComparer.Instance);
            foreach (var item in items)
            {
                var key = getter(item);
                KeyComparer.EnsureHashable(key);
                if (seen.Add(key))
                    yield return item;
            }
        }
    }

    /// <summary>
    /// Jinja2's <c>reverse</c>: strings reverse; reversible values give a reverse iterator; other iterables
    /// (generators) are materialised into a reversed list.
    /// </summary>
    public static Value Reverse(Value input, CallArguments args)
    {
        args.Bind("reverse");
        switch (input)
        {
            case StringValue s:
                return new StringValue(string.Concat(s.Iterate().Reverse().Select(c => c.Str())));
            case IteratorValue:
                return new ListValue(PythonOps.Iterate(input).Reverse().ToList());
            case ListValue or RangeValue or DictValue or UndefinedValue:
                var typeName = input switch
                {
                    ListValue { Kind: SequenceKind.List } => "list_reverseiterator",
                    DictValue => "dict_reversekeyiterator",
                    RangeValue => "range_iterator",
                    _ => "reversed",
                };
                return new IteratorValue(input.Iterate()!.Reverse().ToList(), typeName);
            default:
                throw new TemplateException("argument must be iterable");
        }
    }

    public static Value Sum(Value input, CallArguments args)
    {
        var a = args.Bind("sum", "attribute?", "start?");
        var items = PythonOps.Iterate(input);
        if (a[0] is { } attribute and not NoneValue)
            items = items.Select(AttributeGetter.Create(attribute));
        return items.Aggregate(a[1] ?? new IntValue(0), PythonOps.Add);
    }

    public static Value Min(Value input, CallArguments args) => Extreme(input, args, "min", wantLarger: false);

    public static Value Max(Value input, CallArguments args) => Extreme(input, args, "max", wantLarger: true);

    private static Value Extreme(Value input, CallArguments args, string name, bool wantLarger)
    {
        var a = args.Bind(name, "case_sensitive?", "attribute?");
        var getter = AttributeGetter.Create(a[1], (a[0]?.IsTruthy ?? false) ? null : AttributeGetter.IgnoreCase);
        Value? best = null;
        Value? bestKey = null;
        foreach (var item in PythonOps.Iterate(input))
        {
            var key = getter(item);
            if (best is null || (wantLarger ? PythonOps.Compare(key, bestKey!, ">") == 1 : PythonOps.Compare(key, bestKey!) == -1))
            {
                best = item;
                bestKey = key;
            }
        }
        return best ?? UndefinedValue.WithHint("No aggregated item, sequence was empty.");
    }

    /// <summary>Jinja2's <c>attr</c>: Python attribute only, never an item lookup.</summary>
    public static Value Attr(Value input, CallArguments args)
    {
        var name = args.Bind("attr", "name")[0]!.Str();
        if (input is UndefinedValue u)
            throw u.Error();
        return input.GetAttribute(name) ?? UndefinedValue.Missing(input, new StringValue(name));
    }
}
