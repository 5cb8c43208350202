using System.Globalization;
using System.Text;
using Llava.Engine.Templating.Runtime;
using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating.Builtins;

/// <summary>
/// Python's <c>json.dumps</c>, which Hugging Face installs as the <c>tojson</c> filter
/// (<c>ensure_ascii=False</c> by default, optional indent, separators and sort_keys).
/// </summary>
internal sealed class JsonDump
{
    private readonly bool _ensureAscii;
    private readonly string? _indent;
    private readonly string _itemSeparator;
    private readonly string _keySeparator;
    private readonly bool _sortKeys;

    public JsonDump(bool ensureAscii, Value? indent, Value? separators, bool sortKeys)
    {
        _ensureAscii = ensureAscii;
        _sortKeys = sortKeys;
        _indent = indent switch
        {
            null or NoneValue => null,
            StringValue s => s.Text,
            _ when PythonOps.TryGetInteger(indent, out var n) => new string(' ', PythonOps.CheckedSize(n)),
            _ => throw new TemplateException($"tojson indent must be an int or str, not {indent.TypeName}"),
        };
        (_itemSeparator, _keySeparator) = separators switch
        {
            null or NoneValue => (_indent is null ? ", " : ",", ": "),
            ListValue { Items: [StringValue item, StringValue key] } => (item.Text, key.Text),
            _ => throw new TemplateException("tojson separators must be an (item_separator, key_separator) pair"),
        };
    }

    public string Dump(Value value)
    {
        var sb = new StringBuilder();
        Write(value, sb, 0);
        return sb.ToString();
    }

    private void Write(Value value, StringBuilder sb, int level)
    {
        switch (value)
        {
            case NoneValue:
                sb.Append("null");
                break;
            case BoolValue b:
                sb.Append(b.Value ? "true" : "false");
                break;
            case IntValue i:
                sb.Append(i.Value.ToString(CultureInfo.InvariantCulture));
                break;
            case FloatValue f:
                sb.Append(FloatText(f.Value));
                break;
            case StringValue s:
                WriteString(s.Text, sb);
                break;
            case ListValue { IsView: false } list:
                WriteContainer(sb, level, '[', ']', list.Items, (item, lvl) => Write(item, sb, lvl));
                break;
            case DictValue dict:
                var entries = dict.Entries.Select(e => (Key: KeyText(e.Key), e.Value)).ToList();
                if (_sortKeys)
                    entries = [.. entries.OrderBy(e => e.Key, Comparer<string>.Create(PythonText.CompareCodePoints))];
                WriteContainer(sb, level, '{', '}', entries, (entry, lvl) =>
                {
                    WriteString(entry.Key, sb);
                    sb.Append(_keySeparator);
                    Write(entry.Value, sb, lvl);
                });
                break;
            default:
                throw new TemplateException($"Object of type {value.TypeName} is not JSON serializable");
        }
    }

    private void WriteContainer<T>(StringBuilder sb, int level, char open, char close, IReadOnlyList<T> items, Action<T, int> writeItem)
    {
        sb.Append(open);
        if (items.Count == 0)
        {
            sb.Append(close);
            return;
        }
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
                sb.Append(_itemSeparator);
            if (_indent is not null)
                sb.Append('\n').Append(string.Concat(Enumerable.Repeat(_indent, level + 1)));
            writeItem(items[i], level + 1);
        }
        if (_indent is not null)
            sb.Append('\n').Append(string.Concat(Enumerable.Repeat(_indent, level)));
        sb.Append(close);
    }

    private static string FloatText(double value) => value switch
    {
        double.NaN => "NaN",
        double.PositiveInfinity => "Infinity",
        double.NegativeInfinity => "-Infinity",
        _ => PythonRepr.Float(value),
    };

    /// <summary>JSON object keys: strings as they are; numbers, booleans and None converted like json.dumps does.</summary>
    private static string KeyText(Value key) => key switch
    {
        StringValue s => s.Text,
        BoolValue b => b.Value ? "true" : "false",
        IntValue i => i.Value.ToString(CultureInfo.InvariantCulture),
        FloatValue f => FloatText(f.Value),
        NoneValue => "null",
        _ => throw new TemplateException($"keys must be str, int, float, bool or None, not {key.TypeName}"),
    };

    private void WriteString(string text, StringBuilder sb)
    {
        sb.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case < ' ':
                    sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    break;
                case > '~' when _ensureAscii:
                    sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}
