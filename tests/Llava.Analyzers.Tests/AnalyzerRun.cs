using System.Collections.Immutable;
using Llava.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Llava.Analyzers.Tests;

/// <summary>Compiles C# source against this test's own references (TorchSharp, Llava.Model) and runs the analyzers.</summary>
internal static class AnalyzerRun
{
    public static ImmutableArray<MetadataReference> References { get; } =
    [
        .. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => path.EndsWith(".dll", StringComparison.Ordinal))
            .Select(path => MetadataReference.CreateFromFile(path)),
    ];

    public static CSharpCompilation Compile(string source) => CSharpCompilation.Create(
        "Sample",
        [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>
    /// Each finding in a class made of <paramref name="members"/> as <c>"LLAVA000n: flagged source text"</c>, in
    /// source order. The class has a Scalar field <c>Half</c> the members may use.
    /// </summary>
    public static async Task<string[]> Findings(string members)
    {
        var compilation = Compile($$"""
            using System.Collections.Generic;
            using System.Linq;
            using Llava.Model.Tensors;
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;

            public class Sample
            {
                static readonly Scalar Half = 0.5.ToScalar();
            {{members}}
            }
            """);
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "the sample does not compile: " + string.Join("; ", errors));
        ImmutableArray<DiagnosticAnalyzer> analyzers = [new ScalarLifetimeAnalyzer()];
        var diagnostics = await compilation.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync();
        return
        [
            .. diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id)
                .Select(d => $"{d.Id}: {d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan)}"),
        ];
    }
}
