using System.IO.Compression;
using System.Text.Json;
using Llava.Engine.Tokenization;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Tokenization;

/// <summary>
/// Real tokenizers of checkpoints we serve, under tests/fixtures/tokenizers/NAME (tokenizer.json kept gzipped), and
/// the expectations tests/fixtures/tokenizers/make_parity.py computed for them with Hugging Face's tokenizers.
/// </summary>
internal static class RealVocabularies
{
    public const string Llama3 = "llama3";
    public const string Yi = "yi";

    private static readonly Dictionary<string, Lazy<LlavaTokenizer>> Tokenizers = new()
    {
        [Llama3] = new(() => Load(Llama3, TokenizerJson(Llama3))),
        [Yi] = new(() => Load(Yi, TokenizerJson(Yi))),
    };
    private static readonly Dictionary<string, Lazy<JsonElement>> Parities = new()
    {
        [Llama3] = new(() => ReadParity(Llama3)),
        [Yi] = new(() => ReadParity(Yi)),
    };

    public static LlavaTokenizer Tokenizer(string name) => Tokenizers[name].Value;

    public static JsonElement Parity(string name) => Parities[name].Value;

    public static string Folder(string name) => Path.Combine(RepoPaths.Root, "tests", "fixtures", "tokenizers", name);

    public static string TokenizerJson(string name)
    {
        using var gzip = new GZipStream(File.OpenRead(Path.Combine(Folder(name), "tokenizer.json.gz")), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return reader.ReadToEnd();
    }

    /// <summary>The fixture folder with <paramref name="tokenizerJson"/> as its tokenizer.json.</summary>
    public static LlavaTokenizer Load(string name, string tokenizerJson)
    {
        var dir = Directory.CreateTempSubdirectory($"{name}-tokenizer-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "tokenizer.json"), tokenizerJson);
            foreach (var file in Directory.GetFiles(Folder(name)).Where(f => !f.EndsWith(".gz", StringComparison.Ordinal) && !f.EndsWith("parity.json", StringComparison.Ordinal)))
                File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
            return LlavaTokenizer.Load(dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static JsonElement ReadParity(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder(name), "parity.json")));
        return document.RootElement.Clone();
    }
}
