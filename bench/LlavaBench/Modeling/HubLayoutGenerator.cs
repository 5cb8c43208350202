using static TorchSharp.torch;

namespace LlavaBench.Modeling;

/// <summary>A checkpoint folder written by <see cref="HubLayoutGenerator"/>.</summary>
public sealed record HubLayoutModel<TLayout>(string Path, TLayout Layout, long ParameterCount) where TLayout : IHubLayout;

/// <summary>
/// Writes an <see cref="IHubLayout"/> checkpoint (float16 shards streamed a slice at a time, so even a 7B layout
/// needs little memory) with the bench model's tokenizer files, and reuses it while its marker matches.
/// </summary>
public static class HubLayoutGenerator
{
    /// <summary>Room left on the disk beyond the shards themselves.</summary>
    private const long SpareDiskBytes = 1L << 30;

    public static HubLayoutModel<TLayout> Ensure<TLayout>(string directory, TLayout layout, string tokenizerSource, TextWriter log)
        where TLayout : class, IHubLayout, IEquatable<TLayout>
    {
        if (ModelMarker.Read<HubLayoutModel<TLayout>>(directory) is { } existing && existing.Layout.Equals(layout))
            return existing with { Path = Path.GetFullPath(directory) };

        var plan = layout.Plan();
        Directory.CreateDirectory(directory);
        var free = new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace;
        if (free < plan.TotalBytes + SpareDiskBytes)
            throw new IOException($"{directory}: {plan.TotalBytes / 1e9:F1} GB of shards need more than the {free / 1e9:F1} GB free");
        BenchModelGenerator.WriteSideFiles(directory, layout.ToConfigJson(), layout.PreprocessorJson(), tokenizerSource);
        foreach (var (name, text) in layout.ProcessorFiles())
            File.WriteAllText(Path.Combine(directory, name), text);
        log.WriteLine($"generating a {plan.ParameterCount / 1e9:F2}B-parameter random checkpoint in {layout.HubId}'s layout " +
                      $"({plan.Shards.Count} float16 shards, {plan.TotalBytes / 1e9:F1} GB) in {directory} …");
        RandomShardWriter.Write(directory, plan, ScalarType.Float16, layout.Seed, log);
        var model = new HubLayoutModel<TLayout>(Path.GetFullPath(directory), layout, plan.ParameterCount);
        ModelMarker.Write(directory, model);
        return model;
    }
}
