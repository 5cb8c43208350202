using System.Collections.Immutable;
using System.IO;

namespace Llava.Analyzers;

/// <summary>
/// The public TorchSharp members whose own code creates a <c>TorchSharp.Scalar</c> and passes it to libtorch
/// without keeping it alive (directly or through a callee), as documentation comment ids
/// (<c>M:TorchSharp.torch.Tensor.add(TorchSharp.torch.Tensor)</c>). The list is read from TorchSharp's IL, not
/// written by hand; Llava.Analyzers.Tests recomputes it and fails when the TorchSharp in use differs.
/// </summary>
public static class ScalarCreatingMembers
{
    public const string ResourceName = "Llava.Analyzers.ScalarCreatingMembers.txt";

    public static ImmutableHashSet<string> Ids { get; } = Load();

    private static ImmutableHashSet<string> Load()
    {
        using var stream = typeof(ScalarCreatingMembers).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{ResourceName} is not embedded");
        using var reader = new StreamReader(stream);
        var ids = ImmutableHashSet.CreateBuilder<string>();
        while (reader.ReadLine() is { } line)
        {
            var id = line.Trim();
            if (id.Length > 0 && !id.StartsWith("#", StringComparison.Ordinal)) ids.Add(id);
        }
        return ids.ToImmutable();
    }
}
