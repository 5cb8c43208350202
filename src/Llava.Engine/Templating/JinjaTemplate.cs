using System.Text;
using Llava.Engine.Templating.Builtins;
using Llava.Engine.Templating.Runtime;
using Llava.Engine.Templating.Syntax;
using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating;

/// <summary>
/// A parsed Jinja template, rendered the way Hugging Face's <c>apply_chat_template</c> renders it: Jinja2's
/// <c>ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)</c> with the loop-controls extension,
/// the <c>{% generation %}</c> block, HF's <c>tojson</c> filter and the <c>raise_exception</c>/<c>strftime_now</c>
/// globals. Anything outside the supported subset fails with a <see cref="TemplateException"/> naming the construct
/// and its position rather than rendering differently. Instances are immutable and thread-safe.
/// </summary>
public sealed class JinjaTemplate
{
    private readonly IReadOnlyList<Stmt> _body;

    private JinjaTemplate(IReadOnlyList<Stmt> body) => _body = body;

    /// <summary>The parsed statements, for analyses of what a template reads (e.g. its chat content format).</summary>
    internal IReadOnlyList<Stmt> Body => _body;

    /// <exception cref="TemplateException">The source has a syntax error or uses an unsupported tag, filter or test.</exception>
    public static JinjaTemplate Parse(string source) => new(Parser.Parse(source));

    /// <summary>
    /// Renders with the given variables: null, bool, integers, floating point, strings, lists (any
    /// <see cref="System.Collections.IEnumerable"/>) and string-keyed dictionaries, nested freely.
    /// </summary>
    /// <param name="clock">Time source for <c>strftime_now</c> (local time); the system clock when null.</param>
    /// <exception cref="TemplateException">A runtime error, or the template called <c>raise_exception</c>.</exception>
    public string Render(IReadOnlyDictionary<string, object?> variables, TimeProvider? clock = null)
    {
        var globals = new Scope(null);
        foreach (var (name, value) in Globals.Create(clock ?? TimeProvider.System))
            globals.Set(name, value);
        var context = globals.Child();
        foreach (var (name, value) in variables)
            context.Set(name, Value.FromObject(value));

        var output = new StringBuilder();
        new Renderer().Render(_body, context.Child(), output);
        return output.ToString();
    }
}
