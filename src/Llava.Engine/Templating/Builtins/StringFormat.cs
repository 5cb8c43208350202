using System.Text;
using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating.Builtins;

/// <summary>
/// <c>str.format</c> for plain replacement fields: <c>{}</c>, <c>{0}</c>, <c>{name}</c>, optional <c>!s</c>/<c>!r</c>,
/// and <c>{{</c>/<c>}}</c> escapes. Format specs and nested field access are refused rather than approximated.
/// </summary>
internal static class StringFormat
{
    public static string Format(string template, CallArguments args)
    {
        var sb = new StringBuilder();
        var autoIndex = 0;
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '}')
            {
                if (i + 1 < template.Length && template[i + 1] == '}')
                {
                    sb.Append('}');
                    i++;
                    continue;
                }
                throw new TemplateException("Single '}' encountered in format string");
            }
            if (c != '{')
            {
                sb.Append(c);
                continue;
            }
            if (i + 1 < template.Length && template[i + 1] == '{')
            {
                sb.Append('{');
                i++;
                continue;
            }
            var close = template.IndexOf('}', i + 1);
            if (close < 0)
                throw new TemplateException("Single '{' encountered in format string");
            sb.Append(FormatField(template[(i + 1)..close], args, ref autoIndex));
            i = close;
        }
        return sb.ToString();
    }

    private static string FormatField(string field, CallArguments args, ref int autoIndex)
    {
        if (field.Contains(':'))
            throw new TemplateException($"format specs ('{{{field}}}') in str.format are not supported by this template engine");
        var conversion = 's';
        var bang = field.IndexOf('!');
        if (bang >= 0)
        {
            conversion = field.Length == bang + 2 ? field[bang + 1] : '?';
            field = field[..bang];
            if (conversion is not ('s' or 'r'))
                throw new TemplateException("str.format conversion must be !s or !r in this template engine");
        }
        Value value;
        if (field.Length == 0)
        {
            value = Positional(args, autoIndex++);
        }
        else if (field.All(char.IsAsciiDigit))
        {
            value = Positional(args, int.Parse(field, System.Globalization.CultureInfo.InvariantCulture));
        }
        else if (field.All(ch => char.IsLetterOrDigit(ch) || ch == '_'))
        {
            value = args.Named.FirstOrDefault(kv => kv.Key == field).Value
                ?? throw new TemplateException($"KeyError: '{field}' in str.format");
        }
        else
        {
            throw new TemplateException($"str.format field '{{{field}}}' is not supported by this template engine");
        }
        return conversion == 'r' ? value.Repr() : value.Str();
    }

    private static Value Positional(CallArguments args, int index) =>
        index < args.Positional.Count
            ? args.Positional[index]
            : throw new TemplateException($"Replacement index {index} out of range for positional args tuple");
}
