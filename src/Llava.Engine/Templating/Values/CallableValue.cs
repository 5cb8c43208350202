namespace Llava.Engine.Templating.Values;

/// <summary>Anything a template can call: builtin functions, bound methods, macros.</summary>
internal abstract class CallableValue : Value
{
    public override bool IsCallable => true;

    public override string Str() =>
        throw new TemplateException($"cannot render the {TypeName} '{Name}' (call it instead)");

    public abstract string Name { get; }

    public abstract Value Invoke(CallArguments arguments);
}

/// <summary>A function or bound method implemented in C#.</summary>
internal sealed class BuiltinFunction(string name, Func<CallArguments, Value> body, string typeName = "builtin_function_or_method")
    : CallableValue
{
    public override string Name => name;

    public override string TypeName => typeName;

    public override Value Invoke(CallArguments arguments) => body(arguments);

    /// <summary>A Python method that exists but that this engine does not implement: fails clearly when called.</summary>
    public static BuiltinFunction Unsupported(string qualifiedName) =>
        new(qualifiedName, _ => throw new TemplateException($"{qualifiedName}() is not supported by this template engine"));
}
