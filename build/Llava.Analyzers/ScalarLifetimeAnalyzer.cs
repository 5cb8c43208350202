using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Llava.Analyzers;

/// <summary>
/// Rejects TorchSharp Scalars that nothing keeps alive during the native call that reads them. Scalar is a
/// finalizable class and TorchSharp hands libtorch only its handle, so once the handle is read an unreferenced Scalar
/// is garbage; a collection during the call lets the finalizer free the native scalar while libtorch reads it
/// (c10 "Expected false to be true" in <c>Scalar::toFloat</c>, or a crash).
/// <list type="bullet">
/// <item>LLAVA0001: a Scalar made in this code — a conversion from a .NET number (<c>x.pow(2)</c>,
/// <c>clamp(min: 0)</c>) or a TorchSharp call returning a new one (<c>ToScalar()</c>) — anywhere but as a field or
/// property value or a <c>using</c> variable (<see cref="ScalarOwnership"/>).</item>
/// <item>LLAVA0002: a call to a TorchSharp member that makes such a Scalar inside (<see cref="ScalarCreatingMembers"/>):
/// <c>a + b</c> and <c>add</c> without alpha pass an implicit alpha of 1; tensor operators with a .NET number
/// (<c>x * 0.5</c>) convert it inside.</item>
/// </list>
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ScalarLifetimeAnalyzer : DiagnosticAnalyzer
{
    public const string UnownedScalarId = "LLAVA0001";
    public const string HiddenScalarId = "LLAVA0002";

    private static readonly DiagnosticDescriptor UnownedScalar = new(
        UnownedScalarId,
        "TorchSharp Scalar without an owner",
        "This creates a TorchSharp Scalar that nothing keeps alive during the native call; hold it in a field or a 'using' variable",
        "Reliability",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    private static readonly DiagnosticDescriptor HiddenScalar = new(
        HiddenScalarId,
        "TorchSharp member creates an unowned Scalar",
        "'{0}' creates a TorchSharp Scalar that nothing keeps alive during the native call; pass every Scalar yourself: a.Plus(b) or add(b, alpha) for a sum, an owned Scalar as the operand",
        "Reliability",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [UnownedScalar, HiddenScalar];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName("TorchSharp.Scalar") is not { } scalar) return;
            start.RegisterOperationAction(c => Analyze(c, scalar),
                OperationKind.Invocation, OperationKind.Binary, OperationKind.Unary, OperationKind.CompoundAssignment,
                OperationKind.Increment, OperationKind.Decrement, OperationKind.Conversion, OperationKind.ObjectCreation,
                OperationKind.PropertyReference, OperationKind.MethodReference);
        });
    }

    private static void Analyze(OperationAnalysisContext context, INamedTypeSymbol scalar)
    {
        var operation = context.Operation;
        if (ScalarOwnership.CreatesScalar(operation, scalar) && !ScalarOwnership.IsOwned(operation))
            context.ReportDiagnostic(Diagnostic.Create(UnownedScalar, operation.Syntax.GetLocation()));

        var member = CalledMember.Of(operation);
        if (member is null || !SymbolEqualityComparer.Default.Equals(member.ContainingAssembly, scalar.ContainingAssembly)) return;
        var id = DocumentationCommentId.CreateDeclarationId((member.ReducedFrom ?? member).OriginalDefinition);
        if (id is not null && ScalarCreatingMembers.Ids.Contains(id))
            context.ReportDiagnostic(Diagnostic.Create(HiddenScalar, operation.Syntax.GetLocation(),
                member.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)));
    }
}
