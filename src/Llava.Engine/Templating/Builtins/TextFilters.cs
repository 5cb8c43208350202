using System.Text;
using System.Text.RegularExpressions;
using Llava.Engine.Templating.Runtime;
using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating.Builtins;

/// <summary>String filters. Like Jinja2 they convert their input with <c>str()</c> first (undefined becomes "").</summary>
internal static partial class TextFilters
{
    private static StringValue Text(Value input, string result) => new(result, input is StringValue { IsMarkup: true });

    public static Value Upper(Value input, CallArguments args)
    {
        args.Bind("upper");
        return Text(input, PythonText.Upper(input.Str()));
    }

    public static Value Lower(Value input, CallArguments args)
    {
        args.Bind("lower");
        return Text(input, PythonText.Lower(input.Str()));
    }

    public static Value Capitalize(Value input, CallArguments args)
    {
        args.Bind("capitalize");
        return Text(input, PythonText.Capitalize(input.Str()));
    }

    /// <summary>Jinja2's own title-casing: words start after runs of whitespace, '-', '(', '{', '[' or '&lt;'.</summary>
    public static Value Title(Value input, CallArguments args)
    {
        args.Bind("title");
        var sb = new StringBuilder();
        foreach (var piece in WordBeginning().Split(input.Str()))
        {
            if (piece.Length == 0)
                continue;
            var first = piece.EnumerateRunes().First().ToString();
            sb.Append(PythonText.Upper(first)).Append(PythonText.Lower(piece[first.Length..]));
        }
        return Text(input, sb.ToString());
    }

    public static Value Trim(Value input, CallArguments args)
    {
        var chars = args.Bind("trim", "chars?")[0];
        return Text(input, PythonText.Strip(input.Str(), chars is null or NoneValue ? null : chars.Str()));
    }

    public static Value Replace(Value input, CallArguments args)
    {
        var a = args.Bind("replace", "old", "new", "count?");
        var count = a[2] is null or NoneValue ? -1 : PythonOps.TryGetInteger(a[2]!, out var n) ? n : throw new TemplateException("replace() count must be an integer");
        var markup = input is StringValue { IsMarkup: true };
        var old = markup ? Markup.Escape(a[0]!).Text : a[0]!.Str();
        var replacement = markup ? Markup.Escape(a[1]!).Text : a[1]!.Str();
        return Text(input, PythonText.Replace(input.Str(), old, replacement, count));
    }

    public static Value String(Value input, CallArguments args)
    {
        args.Bind("string");
        return input as StringValue ?? new StringValue(input.Str());
    }

    public static Value Safe(Value input, CallArguments args)
    {
        args.Bind("safe");
        return new StringValue(input.Str(), isMarkup: true);
    }

    public static Value Escape(Value input, CallArguments args)
    {
        args.Bind("escape");
        return Markup.Escape(input);
    }

    /// <summary>
    /// Jinja2's <c>indent(s, width=4, first=False, blank=False)</c>: indents every line after the first (and the first
    /// with <c>first</c>); blank lines only with <c>blank</c>. The input must be a string.
    /// </summary>
    public static Value Indent(Value input, CallArguments args)
    {
        var a = args.Bind("indent", "width?", "first?", "blank?");
        if (input is UndefinedValue u)
            throw u.Error();
        if (input is not StringValue text)
            throw new TemplateException($"unsupported operand type(s) for +=: '{input.TypeName}' and 'str'");
        var indentation = a[0] switch
        {
            null => "    ",
            StringValue s => s.Text,
            var w when PythonOps.TryGetInteger(w, out var n) => new string(' ', PythonOps.CheckedSize(n)),
            var w => throw new TemplateException($"can't multiply sequence by non-int of type '{w.TypeName}'"),
        };
        var first = a[1]?.IsTruthy ?? false;
        var blank = a[2]?.IsTruthy ?? false;
        var lines = PythonText.SplitLines(text.Text + "\n");
        string result;
        if (blank)
        {
            result = string.Join("\n" + indentation, lines);
        }
        else
        {
            var sb = new StringBuilder(lines[0]);
            if (lines.Count > 1)
                sb.Append('\n').Append(string.Join("\n", lines.Skip(1).Select(line => line.Length > 0 ? indentation + line : line)));
            result = sb.ToString();
        }
        if (first)
            result = indentation + result;
        return new StringValue(result, text.IsMarkup);
    }

    /// <summary>Python's <c>str.center(width)</c>.</summary>
    public static Value Center(Value input, CallArguments args)
    {
        var a = args.Bind("center", "width?");
        var width = a[0] is null ? 80 : PythonOps.TryGetInteger(a[0]!, out var w) ? w : throw new TemplateException("center() width must be an integer");
        var s = input.Str();
        var length = PythonText.Length(s);
        if (width <= length)
            return new StringValue(s);
        var margin = width - length;
        var left = margin / 2 + (margin & width & 1);
        return new StringValue(new string(' ', PythonOps.CheckedSize(left)) + s + new string(' ', PythonOps.CheckedSize(margin - left)));
    }

    public static Value WordCount(Value input, CallArguments args)
    {
        args.Bind("wordcount");
        return new IntValue(Word().Matches(input.Str()).Count);
    }

    /// <summary>Hugging Face's <c>tojson</c>: <c>json.dumps(x, ensure_ascii=False, indent, separators, sort_keys)</c>.</summary>
    public static Value ToJson(Value input, CallArguments args)
    {
        var a = args.Bind("tojson", "ensure_ascii?", "indent?", "separators?", "sort_keys?");
        var dump = new JsonDump(a[0]?.IsTruthy ?? false, a[1], a[2], a[3]?.IsTruthy ?? false);
        return new StringValue(dump.Dump(input));
    }

    [GeneratedRegex(@"([-\s({\[<]+)")]
    private static partial Regex WordBeginning();

    [GeneratedRegex(@"\w+")]
    private static partial Regex Word();
}
