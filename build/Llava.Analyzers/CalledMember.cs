using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Llava.Analyzers;

/// <summary>The method an operation runs: a call, an operator, a conversion, a constructor or a property accessor.</summary>
internal static class CalledMember
{
    public static IMethodSymbol? Of(IOperation operation) => operation switch
    {
        IInvocationOperation invocation => MostDerived(invocation.TargetMethod, invocation.Instance),
        IMethodReferenceOperation reference => MostDerived(reference.Method, reference.Instance),
        IBinaryOperation binary => binary.OperatorMethod,
        IUnaryOperation unary => unary.OperatorMethod,
        ICompoundAssignmentOperation compound => compound.OperatorMethod,
        IIncrementOrDecrementOperation step => step.OperatorMethod,
        IConversionOperation conversion => conversion.OperatorMethod,
        IObjectCreationOperation creation => creation.Constructor,
        IPropertyReferenceOperation property => MostDerived(Accessor(property), property.Instance),
        _ => null,
    };

    private static IMethodSymbol? Accessor(IPropertyReferenceOperation property) =>
        property.Parent is IAssignmentOperation assignment && assignment.Target == property
            ? property.Property.SetMethod
            : property.Property.GetMethod;

    /// <summary>
    /// C# binds a virtual call to the member that introduced it (<c>Optimizer.step</c>); what runs is the override in
    /// the receiver's type (<c>AdamW.step</c>), so that is the member to look up.
    /// </summary>
    private static IMethodSymbol? MostDerived(IMethodSymbol? method, IOperation? receiver)
    {
        if (method is null || !(method.IsVirtual || method.IsAbstract || method.IsOverride)) return method;
        for (var type = receiver?.Type as INamedTypeSymbol; type is not null; type = type.BaseType)
        {
            foreach (var candidate in type.GetMembers(method.Name))
            {
                for (var overridden = candidate as IMethodSymbol; overridden is not null; overridden = overridden.OverriddenMethod)
                {
                    if (SymbolEqualityComparer.Default.Equals(overridden.OriginalDefinition, method.OriginalDefinition))
                        return (IMethodSymbol)candidate;
                }
            }
        }
        return method;
    }
}
