using System.Collections.Concurrent;
using System.Text.Json;

namespace Llava.TestSupport;

/// <summary>
/// The LLaVA-NeXT golden files in tests/fixtures/next (written by tests/fixtures/make_next_fixtures.py with Hugging
/// Face's own classes): one per tiny checkpoint, with pixel values per image and outputs per case.
/// </summary>
public static class NextGolden
{
    /// <summary>The checkpoints: Llama text (hub key layout, float32) and Mistral text (transformers 5 layout, bfloat16).</summary>
    public static readonly string[] Models = ["tiny-llava-next-vicuna", "tiny-llava-next-mistral"];

    /// <summary>
    /// Images whose resizes sid's Pillow 13.0.0 computes with the vertical pass first (up to 9 levels away from the
    /// horizontal-first order of Pillow's published Resample.c, which <c>PillowResampler</c> reproduces and which the
    /// LLaVA-1.5 fixtures confirm); the rule Pillow 13 picks the order by is not yet known.
    /// </summary>
    public const string PillowPassOrderImage = "tall_200x1000.png";

    public const string PillowPassOrderReason =
        "Pillow 13.0.0 resizes this image vertical pass first; PillowResampler follows the horizontal-first order of " +
        "Pillow <= 12 (see tests/fixtures/next/README.md)";

    private static readonly ConcurrentDictionary<string, JsonElement> Roots = new();

    public static string Folder => Path.Combine(RepoPaths.Root, "tests", "fixtures", "next");

    public static string ModelDir(string model) => Path.Combine(Folder, "models", model);

    /// <summary>The file of a golden image (the LLaVA-1.5 reference images are used where they are).</summary>
    public static string Image(string model, string name) => Path.Combine(Folder,
        Root(model).GetProperty("preprocess").GetProperty(name).GetProperty("image_file").GetString()!);

    public static JsonElement Root(string model) => Roots.GetOrAdd(model, m =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "golden", m + ".json"))).RootElement.Clone());

    public static IEnumerable<JsonElement> Cases(string model) => Root(model).GetProperty("cases").EnumerateArray();

    public static JsonElement Case(string model, string name) =>
        Cases(model).Single(c => c.GetProperty("name").GetString() == name);

    /// <summary>(model, case) pairs for <c>[MemberData]</c>; <paramref name="pillowPassOrder"/> selects the cases with or without <see cref="PillowPassOrderImage"/>.</summary>
    public static IEnumerable<object[]> ModelCases(bool? pillowPassOrder = null) =>
        Models.SelectMany(m => Cases(m)
            .Where(c => pillowPassOrder is null || UsesPillowPassOrderImage(c) == pillowPassOrder)
            .Select(c => new object[] { m, c.GetProperty("name").GetString()! }));

    /// <summary>(model, image file) pairs for <c>[MemberData]</c>.</summary>
    public static IEnumerable<object[]> ModelImages(bool pillowPassOrder) =>
        Models.SelectMany(m => Root(m).GetProperty("preprocess").EnumerateObject()
            .Where(p => (p.Name == PillowPassOrderImage) == pillowPassOrder)
            .Select(p => new object[] { m, p.Name }));

    private static bool UsesPillowPassOrderImage(JsonElement goldenCase) =>
        goldenCase.GetProperty("images").EnumerateArray().Any(i => i.GetString() == PillowPassOrderImage);

    public static NpyArray Npy(string relativePath) => TestSupport.Npy.Read(Path.Combine(Folder, relativePath));
}
