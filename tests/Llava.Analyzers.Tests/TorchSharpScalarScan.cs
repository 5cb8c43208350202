using Microsoft.CodeAnalysis;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Llava.Analyzers.Tests;

/// <summary>
/// Finds, in TorchSharp's IL, the public members that make a Scalar and let go of it: a method that calls something
/// returning a new <c>TorchSharp.Scalar</c> (an implicit conversion, <c>ToScalar</c>), neither returns a Scalar
/// itself nor disposes one, and everything that reaches such a method through calls or delegates.
/// </summary>
internal static class TorchSharpScalarScan
{
    private const string ScalarType = "TorchSharp.Scalar";

    /// <summary>The members as documentation comment ids, the form <see cref="ScalarCreatingMembers"/> holds.</summary>
    public static SortedSet<string> MembersCreatingUnownedScalars()
    {
        var assemblyPath = typeof(TorchSharp.Scalar).Assembly.Location;
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        var marked = Propagate(module);
        var tokens = marked.Select(method => method.MetadataToken.ToInt32()).ToHashSet();

        var compilation = AnalyzerRun.Compile("");
        var reference = compilation.References.Single(r => r is PortableExecutableReference { FilePath: var path } && path == assemblyPath);
        var assembly = (IAssemblySymbol)compilation.GetAssemblyOrModuleSymbol(reference)!;
        return new SortedSet<string>(
            Types(assembly.GlobalNamespace)
                .SelectMany(type => type.GetMembers().OfType<IMethodSymbol>())
                .Where(method => tokens.Contains(method.MetadataToken) && IsVisibleOutside(method))
                .Select(method => DocumentationCommentId.CreateDeclarationId(method)!),
            StringComparer.Ordinal);
    }

    private static HashSet<MethodDefinition> Propagate(ModuleDefinition module)
    {
        var methods = module.GetTypes().SelectMany(type => type.Methods).Where(method => method.HasBody).ToList();
        var callers = new Dictionary<MethodDefinition, List<MethodDefinition>>();
        var marked = new HashSet<MethodDefinition>();
        foreach (var method in methods)
        {
            var called = method.Body.Instructions.Where(IsCallOrDelegate).Select(i => (MethodReference)i.Operand).ToList();
            var creates = called.Any(c => c.ReturnType.FullName == ScalarType);
            var disposes = called.Any(c => c.DeclaringType.FullName == ScalarType && c.Name == nameof(IDisposable.Dispose));
            if (creates && !disposes && method.ReturnType.FullName != ScalarType) marked.Add(method);
            foreach (var callee in called)
            {
                if (callee.DeclaringType.Module != module || callee.Resolve() is not { } definition) continue;
                if (!callers.TryGetValue(definition, out var list)) callers[definition] = list = [];
                list.Add(method);
            }
        }
        var pending = new Queue<MethodDefinition>(marked);
        while (pending.TryDequeue(out var method))
        {
            foreach (var caller in callers.GetValueOrDefault(method, []))
                if (marked.Add(caller)) pending.Enqueue(caller);
        }
        return marked;
    }

    private static bool IsCallOrDelegate(Instruction instruction) =>
        instruction.Operand is MethodReference
        && instruction.OpCode.Code is Code.Call or Code.Callvirt or Code.Newobj or Code.Ldftn or Code.Ldvirtftn;

    private static IEnumerable<INamedTypeSymbol> Types(INamespaceOrTypeSymbol container) =>
        container.GetMembers().SelectMany(member => member switch
        {
            INamespaceSymbol space => Types(space),
            INamedTypeSymbol type => Types(type).Prepend(type),
            _ => [],
        });

    private static bool IsVisibleOutside(ISymbol symbol)
    {
        for (var s = symbol; s is not null and not INamespaceSymbol; s = s.ContainingSymbol)
        {
            if (s.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal))
                return false;
        }
        return true;
    }
}
