using System.Text.Json;
using Llava.TestSupport;
using static TorchSharp.torch;

namespace Llava.Model.Tests.Support;

/// <summary>Reads tests/fixtures/reference/golden/tiny-llava-visible.json and the .npy files it points to.</summary>
public static class Golden
{
    private static readonly Lazy<JsonDocument> Document =
        new(() => JsonDocument.Parse(File.ReadAllText(RepoPaths.GoldenJson)));

    private static readonly Lazy<IReadOnlyList<GoldenCase>> AllCases = new(ReadCases);

    public static IReadOnlyList<GoldenCase> Cases => AllCases.Value;

    public static JsonElement Root => Document.Value.RootElement;

    public static GoldenCase Case(string name) => Cases.Single(c => c.Name == name);

    /// <summary>Case names for <c>[MemberData]</c>.</summary>
    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var goldenCase in Cases) data.Add(goldenCase.Name);
        return data;
    }

    /// <summary>The golden pixel values of <paramref name="images"/>, stacked to <c>[n, 3, 84, 84]</c> float32.</summary>
    public static Tensor Pixels(IEnumerable<string> images)
    {
        var arrays = images.Select(image =>
        {
            var file = Root.GetProperty("preprocess").GetProperty(image).GetProperty("pixel_values_file").GetString()!;
            var npy = Npy.Read(RepoPaths.ReferencePath(file));
            return tensor(npy.AsFloat32(), npy.Shape.Select(d => (long)d).ToArray());
        }).ToList();
        try
        {
            return stack(arrays);
        }
        finally
        {
            foreach (var array in arrays) array.Dispose();
        }
    }

    public static float[] LastLogits(GoldenCase goldenCase) =>
        Npy.Read(RepoPaths.ReferencePath(goldenCase.LogitsFile)).AsFloat32();

    private static IReadOnlyList<GoldenCase> ReadCases() =>
        Root.GetProperty("cases").EnumerateArray().Select(c => new GoldenCase(
            c.GetProperty("name").GetString()!,
            c.GetProperty("input_ids").EnumerateArray().Select(id => id.GetInt64()).ToArray(),
            c.GetProperty("images").EnumerateArray().Select(i => i.GetString()!).ToArray(),
            c.GetProperty("last_position_logits").GetProperty("full_logits_file").GetString()!,
            c.GetProperty("greedy").GetProperty("ids").EnumerateArray().Select(id => id.GetInt32()).ToArray(),
            c.GetProperty("greedy").GetProperty("steps").EnumerateArray().Select(step =>
                step.GetProperty("top5").EnumerateArray()
                    .Select(e => new GoldenTopEntry(e.GetProperty("id").GetInt32(), e.GetProperty("logprob").GetDouble()))
                    .ToArray()).ToList())).ToList();
}
