using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Llava.Analyzers;

/// <summary>
/// Where a new TorchSharp Scalar comes from and whether something owns it. Owners are a field or property (alive as
/// long as their object) and a <c>using</c> variable (alive until its Dispose at the end of the scope). A plain local
/// is no owner: the JIT ends its life at its last read, before the native call that uses the handle returns.
/// </summary>
internal static class ScalarOwnership
{
    /// <summary>A user-defined conversion to Scalar (implicit or a cast), or a TorchSharp call that returns a Scalar.</summary>
    public static bool CreatesScalar(IOperation operation, INamedTypeSymbol scalar) => operation switch
    {
        IConversionOperation conversion =>
            SymbolEqualityComparer.Default.Equals(conversion.OperatorMethod?.ContainingType, scalar),
        IInvocationOperation invocation =>
            SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ReturnType, scalar)
            && SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingAssembly, scalar.ContainingAssembly),
        _ => false,
    };

    public static bool IsOwned(IOperation creation)
    {
        var value = creation;
        while (value.Parent is IParenthesizedOperation or IConversionOperation { IsImplicit: true, OperatorMethod: null })
            value = value.Parent;
        return value.Parent switch
        {
            IFieldInitializerOperation or IPropertyInitializerOperation => true,
            ISimpleAssignmentOperation { Target: IFieldReferenceOperation or IPropertyReferenceOperation } assignment =>
                assignment.Value == value,
            IVariableInitializerOperation initializer => IsUsingResource(initializer),
            _ => false,
        };
    }

    private static bool IsUsingResource(IVariableInitializerOperation initializer)
    {
        for (var node = initializer.Parent; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case IUsingDeclarationOperation or IUsingOperation:
                    return true;
                case IVariableDeclaratorOperation or IVariableDeclarationOperation or IVariableDeclarationGroupOperation:
                    continue;
                default:
                    return false;
            }
        }
        return false;
    }
}
