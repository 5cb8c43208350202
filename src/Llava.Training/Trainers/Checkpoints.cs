using System.Globalization;

namespace Llava.Training.Trainers;

/// <summary>Resumable checkpoints under <c>OUT/checkpoints/step-NNNNNN</c>, each a servable model folder plus trainer files.</summary>
public static class Checkpoints
{
    private const string Folder = "checkpoints";
    private const string Prefix = "step-";

    public static string PathFor(string outDir, int step) =>
        Path.Combine(outDir, Folder, Prefix + step.ToString("D6", CultureInfo.InvariantCulture));

    /// <summary>The newest complete checkpoint of a run, or null.</summary>
    public static string? Latest(string outDir) => All(outDir).LastOrDefault();

    public static IReadOnlyList<string> All(string outDir)
    {
        var root = Path.Combine(outDir, Folder);
        if (!Directory.Exists(root)) return [];
        return Directory.EnumerateDirectories(root, Prefix + "*")
            .Where(d => File.Exists(Path.Combine(d, TrainerState.FileName)))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Deletes all but the newest <paramref name="keep"/> checkpoints.</summary>
    public static void Prune(string outDir, int keep)
    {
        var all = All(outDir);
        foreach (var old in all.Take(Math.Max(0, all.Count - keep)))
            Directory.Delete(old, recursive: true);
    }
}
