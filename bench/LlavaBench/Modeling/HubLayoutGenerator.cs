using static TorchSharp.torch;

namespace LlavaBench.Modeling;

/// <summary>A checkpoint folder written by <see cref="HubLayoutGenerator"/>.</summary>
public sealed record HubLayoutModel(string Path, Llava15HubLayout Layout, long ParameterCount);

/// <summary>
/// Writes a <see cref="Llava15HubLayout"/> checkpoint (float16 shards streamed a slice at a time, so even the 7B
/// layout needs little memory) with the bench model's tokenizer files, and reuses it while its marker matches.
/// </summary>
public static class HubLayoutGenerator
{
    /// <summary>Room left on the disk beyond the shards themselves.</summary>
    private const long SpareDiskBytes = 1L << 30;

    public static HubLayoutModel Ensure(string directory, Llava15HubLayout layout, string tokenizerSource, TextWriter log)
    {
        if (ModelMarker.Read<HubLayoutModel>(directory) is { } existing && existing.Layout == layout)
            return existing with { Path = Path.GetFullPath(directory) };

        var plan = layout.Plan();
        Directory.CreateDirectory(directory);
        var free = new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace;
        if (free < plan.TotalBytes + SpareDiskBytes)
            throw new IOException($"{directory}: {plan.TotalBytes / 1e9:F1} GB of shards need more than the {free / 1e9:F1} GB free");
        BenchModelGenerator.WriteSideFiles(directory, layout.ToConfigJson(), layout.ImageSize, tokenizerSource);
        log.WriteLine($"generating a {plan.ParameterCount / 1e9:F2}B-parameter random checkpoint in {Llava15HubLayout.HubId}'s layout " +
                      $"({plan.Shards.Count} float16 shards, {plan.TotalBytes / 1e9:F1} GB) in {directory} …");
        RandomShardWriter.Write(directory, plan, ScalarType.Float16, layout.Seed, log);
        var model = new HubLayoutModel(Path.GetFullPath(directory), layout, plan.ParameterCount);
        ModelMarker.Write(directory, model);
        return model;
    }
}
