using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating.Builtins;

/// <summary>markupsafe's escaping, used by <c>|escape</c> and by <c>+</c> on Markup strings.</summary>
internal static class Markup
{
    public static StringValue Escape(Value value)
    {
        if (value is StringValue { IsMarkup: true } markup)
            return markup;
        var text = value.Str()
            .Replace("&", "&amp;")
            .Replace(">", "&gt;")
            .Replace("<", "&lt;")
            .Replace("'", "&#39;")
            .Replace("\"", "&#34;");
        return new StringValue(text, isMarkup: true);
    }
}
