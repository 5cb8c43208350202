using System.Text.Json.Nodes;
using Llava.Engine.Tokenization;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Tokenization;

/// <summary>
/// A temporary copy of fixture tokenizer files, edited by a test to stand for another checkpoint's
/// configuration (non-legacy, another pre-tokenizer or decoder, …), then loaded like a model folder.
/// </summary>
internal sealed class TokenizerVariantFolder : IDisposable
{
    public const string ConfigFile = "tokenizer_config.json";
    public const string FastTokenizerFile = "tokenizer.json";

    public static readonly string[] AllFiles = ["tokenizer.model", ConfigFile, "special_tokens_map.json", FastTokenizerFile];

    public TokenizerVariantFolder(params string[] fixtureFiles)
    {
        Path = Directory.CreateTempSubdirectory("llava-tokenizer-variant-").FullName;
        foreach (var name in fixtureFiles)
            File.Copy(System.IO.Path.Combine(RepoPaths.FixtureModel, name), System.IO.Path.Combine(Path, name));
    }

    public string Path { get; }

    public TokenizerVariantFolder Edit(string fileName, Action<JsonObject> edit)
    {
        var file = System.IO.Path.Combine(Path, fileName);
        var json = File.Exists(file) ? JsonNode.Parse(File.ReadAllText(file))!.AsObject() : [];
        edit(json);
        File.WriteAllText(file, json.ToJsonString());
        return this;
    }

    public TokenizerVariantFolder EditConfig(Action<JsonObject> edit) => Edit(ConfigFile, edit);

    public TokenizerVariantFolder EditFastTokenizer(Action<JsonObject> edit) => Edit(FastTokenizerFile, edit);

    /// <summary>
    /// Replaces the legacy Prepend normalizer by a Metaspace pre-tokenizer, as transformers' LlamaConverter writes
    /// tokenizer.json for <c>legacy: false</c> (<c>prepend_scheme: first</c>, <c>split: false</c>).
    /// </summary>
    public TokenizerVariantFolder UseMetaspacePreTokenizer(string prependScheme = "first", bool split = false) =>
        EditFastTokenizer(fast =>
        {
            fast["normalizer"] = null;
            fast["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Metaspace",
                ["replacement"] = "\u2581",
                ["prepend_scheme"] = prependScheme,
                ["split"] = split,
            };
        });

    public TokenizerVariantFolder UseDecoder(JsonNode decoder) => EditFastTokenizer(fast => fast["decoder"] = decoder);

    public LlavaTokenizer Load() => LlavaTokenizer.Load(Path);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
