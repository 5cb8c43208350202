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

    /// <summary>(model, case) pairs for <c>[MemberData]</c>.</summary>
    public static IEnumerable<object[]> ModelCases() =>
        Models.SelectMany(m => Cases(m).Select(c => new object[] { m, c.GetProperty("name").GetString()! }));

    /// <summary>(model, image file) pairs for <c>[MemberData]</c>.</summary>
    public static IEnumerable<object[]> ModelImages() =>
        Models.SelectMany(m => Root(m).GetProperty("preprocess").EnumerateObject().Select(p => new object[] { m, p.Name }));

    public static NpyArray Npy(string relativePath) => TestSupport.Npy.Read(Path.Combine(Folder, relativePath));
}
