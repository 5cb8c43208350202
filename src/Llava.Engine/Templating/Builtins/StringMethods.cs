using System.Globalization;
using System.Text;
using Llava.Engine.Templating.Runtime;
using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating.Builtins;

/// <summary>Python <c>str</c> methods callable from templates (<c>message['content'].strip()</c>, ...).</summary>
internal static class StringMethods
{
    // Every public attribute of Python 3.11's str, so a real but unimplemented method fails loudly instead of
    // quietly becoming undefined.
    private static readonly HashSet<string> PythonStrAttributes =
    [
        "capitalize", "casefold", "center", "count", "encode", "endswith", "expandtabs", "find", "format", "format_map",
        "index", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "isidentifier", "islower", "isnumeric",
        "isprintable", "isspace", "istitle", "isupper", "join", "ljust", "lower", "lstrip", "maketrans", "partition",
        "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust", "rpartition", "rsplit", "rstrip", "split",
        "splitlines", "startswith", "strip", "swapcase", "title", "translate", "upper", "zfill",
    ];

    public static Value? Bind(StringValue self, string name)
    {
        var s = self.Text;
        var qualified = "str." + name;
        Func<CallArguments, Value>? body = name switch
        {
            "strip" => a => new StringValue(PythonText.Strip(s, OptionalText(a.Bind(qualified, "chars?")[0]))),
            "lstrip" => a => new StringValue(PythonText.LStrip(s, OptionalText(a.Bind(qualified, "chars?")[0]))),
            "rstrip" => a => new StringValue(PythonText.RStrip(s, OptionalText(a.Bind(qualified, "chars?")[0]))),
            "split" => a => SplitCall(a, qualified, (sep, max) => PythonText.Split(s, sep, max)),
            "rsplit" => a => SplitCall(a, qualified, (sep, max) => PythonText.RSplit(s, sep, max)),
            "splitlines" => a => Strings(PythonText.SplitLines(s, a.Bind(qualified, "keepends?")[0]?.IsTruthy ?? false)),
            "startswith" => a => Affix(a, qualified, s, (t, p) => t.StartsWith(p, StringComparison.Ordinal)),
            "endswith" => a => Affix(a, qualified, s, (t, p) => t.EndsWith(p, StringComparison.Ordinal)),
            "upper" => a => NoArgs(a, qualified, PythonText.Upper(s)),
            "lower" => a => NoArgs(a, qualified, PythonText.Lower(s)),
            "title" => a => NoArgs(a, qualified, PythonText.Title(s)),
            "capitalize" => a => NoArgs(a, qualified, PythonText.Capitalize(s)),
            "swapcase" => a => NoArgs(a, qualified, PythonText.SwapCase(s)),
            "replace" => a => Replace(a, qualified, s),
            "find" => a => new IntValue(Find(a, qualified, s, fromRight: false)),
            "rfind" => a => new IntValue(Find(a, qualified, s, fromRight: true)),
            "count" => a => new IntValue(Count(s, Text(a.Bind(qualified, "sub")[0]!, qualified))),
            "join" => a => Join(s, a.Bind(qualified, "iterable")[0]!),
            "format" => a => new StringValue(StringFormat.Format(s, a)),
            "removeprefix" => a => Affixed(a, qualified, p => s.StartsWith(p, StringComparison.Ordinal) ? s[p.Length..] : s),
            "removesuffix" => a => Affixed(a, qualified, p => p.Length > 0 && s.EndsWith(p, StringComparison.Ordinal) ? s[..^p.Length] : s),
            "isdecimal" => a => Predicate(a, qualified, s, char.IsDigit),
            "isdigit" => a => Predicate(a, qualified, s, c => CharUnicodeInfo.GetDigitValue(c) >= 0),
            "isnumeric" => a => Predicate(a, qualified, s, char.IsNumber),
            "isalpha" => a => Predicate(a, qualified, s, char.IsLetter),
            "isalnum" => a => Predicate(a, qualified, s, c => char.IsLetter(c) || char.IsNumber(c)),
            "isspace" => a => Predicate(a, qualified, s, PythonText.IsSpace),
            "islower" => a => NoArgs(a, qualified, BoolValue.Of(PythonText.IsLower(s))),
            "isupper" => a => NoArgs(a, qualified, BoolValue.Of(PythonText.IsUpper(s))),
            _ => null,
        };
        if (body is not null)
            return new BuiltinFunction(qualified, body);
        return PythonStrAttributes.Contains(name) ? BuiltinFunction.Unsupported(qualified) : null;
    }

    private static string? OptionalText(Value? v) => v is null or NoneValue ? null : Text(v, "argument");

    private static string Text(Value v, string callee) =>
        v is StringValue s ? s.Text : throw new TemplateException($"{callee}() argument must be str, not {v.TypeName}");

    private static Value NoArgs(CallArguments a, string callee, string result)
    {
        a.Bind(callee);
        return new StringValue(result);
    }

    private static Value NoArgs(CallArguments a, string callee, Value result)
    {
        a.Bind(callee);
        return result;
    }

    private static ListValue Strings(IEnumerable<string> parts) => new(parts.Select(p => (Value)new StringValue(p)).ToList());

    private static Value SplitCall(CallArguments a, string callee, Func<string?, int, List<string>> split)
    {
        var args = a.Bind(callee, "sep?", "maxsplit?");
        var max = args[1] is { } m && PythonOps.TryGetInteger(m, out var n) ? (int)n : -1;
        return Strings(split(OptionalText(args[0]), max));
    }

    private static Value Affix(CallArguments a, string callee, string s, Func<string, string, bool> test)
    {
        var args = a.Bind(callee, "prefix", "start?", "end?");
        var target = SliceText(s, args[1], args[2]);
        var candidates = args[0] switch
        {
            StringValue single => [single.Text],
            ListValue { Kind: SequenceKind.Tuple } tuple => tuple.Items.Select(i => Text(i, callee)).ToList(),
            var other => throw new TemplateException($"{callee} first arg must be str or a tuple of str, not {other!.TypeName}"),
        };
        return BoolValue.Of(candidates.Any(p => test(target, p)));
    }

    private static string SliceText(string s, Value? start, Value? end)
    {
        if (start is null or NoneValue && end is null or NoneValue)
            return s;
        var slice = new SliceValue(OptionalInteger(start), OptionalInteger(end), null);
        return new StringValue(s).GetItem(slice)!.Str();
    }

    private static long? OptionalInteger(Value? v) =>
        v is null or NoneValue ? null : PythonOps.TryGetInteger(v, out var i) ? i : throw new TemplateException("slice indices must be integers or None");

    private static Value Affixed(CallArguments a, string callee, Func<string, string> transform) =>
        new StringValue(transform(Text(a.Bind(callee, "affix")[0]!, callee)));

    private static Value Replace(CallArguments a, string callee, string s)
    {
        var args = a.Bind(callee, "old", "new", "count?");
        var count = args[2] is { } c && PythonOps.TryGetInteger(c, out var n) ? n : -1;
        return new StringValue(PythonText.Replace(s, Text(args[0]!, callee), Text(args[1]!, callee), count));
    }

    private static long Find(CallArguments a, string callee, string s, bool fromRight)
    {
        var args = a.Bind(callee, "sub", "start?", "end?");
        var sub = Text(args[0]!, callee);
        var start = args[1] is { } st && PythonOps.TryGetInteger(st, out var i) ? (int)Math.Clamp(i < 0 ? i + s.Length : i, 0, s.Length) : 0;
        var end = args[2] is { } en && PythonOps.TryGetInteger(en, out var j) ? (int)Math.Clamp(j < 0 ? j + s.Length : j, 0, s.Length) : s.Length;
        if (end < start)
            return -1;
        var window = s[start..end];
        var at = fromRight ? window.LastIndexOf(sub, StringComparison.Ordinal) : window.IndexOf(sub, StringComparison.Ordinal);
        return at < 0 ? -1 : at + start;
    }

    private static long Count(string s, string sub)
    {
        if (sub.Length == 0)
            return PythonText.Length(s) + 1;
        var n = 0L;
        for (var at = s.IndexOf(sub, StringComparison.Ordinal); at >= 0; at = s.IndexOf(sub, at + sub.Length, StringComparison.Ordinal))
            n++;
        return n;
    }

    private static Value Join(string separator, Value iterable)
    {
        var sb = new StringBuilder();
        var index = 0;
        foreach (var item in PythonOps.Iterate(iterable))
        {
            if (item is not StringValue text)
                throw new TemplateException($"sequence item {index}: expected str instance, {item.TypeName} found");
            if (index++ > 0)
                sb.Append(separator);
            sb.Append(text.Text);
        }
        return new StringValue(sb.ToString());
    }

    private static Value Predicate(CallArguments a, string callee, string s, Func<char, bool> test)
    {
        a.Bind(callee);
        return BoolValue.Of(s.Length > 0 && s.All(test));
    }
}
