using System.Text;
using Llava.Engine.Templating.Syntax;
using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating.Runtime;

/// <summary>
/// A <c>{% macro %}</c>: called with Jinja2's binding rules, it renders its body in a fresh scope inside the scope
/// where it was defined (so it sees variables as they are when called) and returns the text.
/// </summary>
internal sealed class MacroValue(MacroStmt definition, Scope closure, Renderer renderer) : CallableValue
{
    public override string Name => definition.Name;

    public override string TypeName => "Macro";

    public override string Str() => $"<Macro {PythonRepr.Str(definition.Name)}>";

    public override Value? GetAttribute(string name) => name == "name" ? new StringValue(definition.Name) : null;

    public override Value Invoke(CallArguments arguments)
    {
        var scope = closure.Child();
        var parameters = definition.Parameters;
        var bound = new bool[parameters.Count];
        var extraPositional = new List<Value>();
        for (var i = 0; i < arguments.Positional.Count; i++)
        {
            if (i < parameters.Count)
            {
                scope.Set(parameters[i].Name, arguments.Positional[i]);
                bound[i] = true;
            }
            else
            {
                extraPositional.Add(arguments.Positional[i]);
            }
        }
        if (extraPositional.Count > 0 && !definition.UsesVarargs)
            throw new TemplateException($"macro '{Name}' takes not more than {parameters.Count} argument(s)");

        var extraKeywords = new DictValue();
        foreach (var (key, value) in arguments.Named)
        {
            var index = parameters.ToList().FindIndex(p => p.Name == key);
            if (index < 0)
            {
                if (!definition.UsesKwargs)
                    throw new TemplateException($"macro '{Name}' takes no keyword argument '{key}'");
                extraKeywords.Set(new StringValue(key), value);
                continue;
            }
            if (bound[index])
                throw new TemplateException($"macro '{Name}' got multiple values for argument '{key}'");
            scope.Set(key, value);
            bound[index] = true;
        }

        for (var i = 0; i < parameters.Count; i++)
        {
            if (bound[i])
                continue;
            var parameter = parameters[i];
            scope.Set(parameter.Name, parameter.Default is null
                ? UndefinedValue.WithHint($"parameter '{parameter.Name}' was not provided")
                : renderer.Evaluator.Evaluate(parameter.Default, scope));
        }
        if (definition.UsesVarargs)
            scope.Set("varargs", new ListValue(extraPositional, SequenceKind.Tuple));
        if (definition.UsesKwargs)
            scope.Set("kwargs", extraKeywords);

        var output = new StringBuilder();
        renderer.Render(definition.Body, scope, output);
        return new StringValue(output.ToString());
    }
}
