using System.Runtime.CompilerServices;

namespace Llava.Engine.Templating.Runtime;

/// <summary>
/// Deeply nested or endlessly recursive templates end in Python's RecursionError under Jinja2; in .NET the same
/// depth would be an uncatchable stack overflow, so recursion points check the remaining stack first.
/// </summary>
internal static class StackGuard
{
    public static void EnsureRoom()
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw new TemplateException("template nesting or macro recursion is too deep");
    }
}
