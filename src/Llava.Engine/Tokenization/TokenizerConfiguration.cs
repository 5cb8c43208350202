using System.Globalization;
using System.Text.Json;

namespace Llava.Engine.Tokenization;

/// <summary>
/// The Hugging Face side of a Llama tokenizer: <c>tokenizer_config.json</c>, plus <c>special_tokens_map.json</c>
/// and <c>added_tokens.json</c> when present (older checkpoints spread the same facts over those files), and the
/// encoding and decoding rules, from <c>tokenizer.json</c> or derived as transformers derives them.
/// </summary>
internal sealed class TokenizerConfiguration
{
    public const string ConfigFileName = "tokenizer_config.json";
    public const string SpecialTokensMapFileName = "special_tokens_map.json";
    public const string AddedTokensFileName = "added_tokens.json";
    public const string FastTokenizerFileName = "tokenizer.json";

    private const string DefaultImageToken = "<image>";

    public bool AddBosToken { get; private init; } = true;
    public bool AddEosToken { get; private init; }
    public string? BosToken { get; private init; }
    public string? EosToken { get; private init; }
    public string? UnkToken { get; private init; }
    public string? PadToken { get; private init; }
    public string ImageToken { get; private init; } = DefaultImageToken;

    /// <summary>Tokens with an explicit id (added_tokens_decoder, added_tokens.json).</summary>
    public IReadOnlyList<AddedTokenDefinition> AddedTokens { get; private init; } = [];

    /// <summary>Every token content the configuration names as special (bos, eos, additional, …).</summary>
    public IReadOnlySet<string> SpecialTokenContents { get; private init; } = new HashSet<string>();

    /// <summary>tokenizer_config.json's <c>add_prefix_space</c>; transformers rebuilds a SentencePiece pipeline when it is set.</summary>
    public bool? AddPrefixSpace { get; private init; }

    /// <summary>tokenizer_config.json's <c>legacy</c> (true when absent), which picks the SentencePiece ▁-prefix scheme.</summary>
    public bool Legacy { get; private init; } = true;

    public static TokenizerConfiguration Load(string modelDir)
    {
        var config = ReadJsonObject(Path.Combine(modelDir, ConfigFileName));
        var specialMap = ReadJsonObject(Path.Combine(modelDir, SpecialTokensMapFileName));
        var addedTokensFile = ReadJsonObject(Path.Combine(modelDir, AddedTokensFileName));

        // special_tokens_map.json is applied after tokenizer_config.json, as transformers loads them.
        JsonElement[] sources = [.. new[] { config, specialMap }.OfType<JsonElement>()];
        string? Named(string key) => sources.Select(s => ReadTokenContent(s, key)).LastOrDefault(v => v is not null);

        var named = new[] { Named("bos_token"), Named("eos_token"), Named("unk_token"), Named("pad_token") };
        var special = new HashSet<string>(named.OfType<string>(), StringComparer.Ordinal);
        foreach (var source in sources)
        {
            special.UnionWith(ReadTokenList(source, "additional_special_tokens"));
            special.UnionWith(ReadTokenList(source, "extra_special_tokens"));
        }

        var added = new Dictionary<int, AddedTokenDefinition>();
        if (config?.TryGetProperty("added_tokens_decoder", out var decoder) == true)
        {
            foreach (var entry in decoder.EnumerateObject())
                added[ParseId(entry.Name)] = ParseAddedToken(entry.Name, entry.Value);
        }
        if (addedTokensFile is { } addedJson)
        {
            foreach (var entry in addedJson.EnumerateObject())
            {
                var id = entry.Value.GetInt32();
                if (id < 0)
                    throw new InvalidDataException($"{AddedTokensFileName} gives '{entry.Name}' the negative id {id}.");
                added.TryAdd(id, new AddedTokenDefinition(id, entry.Name, special.Contains(entry.Name)));
            }
        }

        return new TokenizerConfiguration
        {
            AddBosToken = ReadBool(config, "add_bos_token") ?? true,
            AddEosToken = ReadBool(config, "add_eos_token") ?? false,
            BosToken = named[0],
            EosToken = named[1],
            UnkToken = named[2],
            PadToken = named[3],
            ImageToken = Named("image_token") ?? DefaultImageToken,
            AddedTokens = [.. added.Values.OrderBy(t => t.Id)],
            SpecialTokenContents = special,
            AddPrefixSpace = ReadBool(config, "add_prefix_space"),
            Legacy = ReadBool(config, "legacy") ?? true,
        };
    }

    private static AddedTokenDefinition ParseAddedToken(string idText, JsonElement token)
    {
        var content = (token.TryGetProperty("content", out var value) ? value.GetString() : null)
            ?? throw new InvalidDataException($"Added token {idText} has no content.");
        foreach (var option in new[] { "lstrip", "rstrip", "single_word" })
        {
            if (token.TryGetProperty(option, out var flag) && flag.ValueKind == JsonValueKind.True)
                throw new NotSupportedException($"Added token '{content}' sets {option}, which is not implemented.");
        }
        var special = token.TryGetProperty("special", out var isSpecial) && isSpecial.ValueKind == JsonValueKind.True;
        return new AddedTokenDefinition(ParseId(idText), content, special);
    }

    private static JsonElement? ReadJsonObject(string path)
    {
        if (!File.Exists(path))
            return null;
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.ValueKind == JsonValueKind.Object
            ? document.RootElement.Clone()
            : throw new InvalidDataException($"{path} is not a JSON object.");
    }

    private static bool? ReadBool(JsonElement? source, string name) =>
        source?.TryGetProperty(name, out var value) == true && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : null;

    /// <summary>A special token is written either as its content or as an AddedToken object.</summary>
    private static string? ReadTokenContent(JsonElement source, string name) =>
        source.TryGetProperty(name, out var value) ? TokenContent(value) : null;

    private static string? TokenContent(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Object when value.TryGetProperty("content", out var content) => content.GetString(),
        _ => null,
    };

    private static IEnumerable<string> ReadTokenList(JsonElement source, string name)
    {
        if (!source.TryGetProperty(name, out var value))
            return [];
        var items = value.ValueKind switch
        {
            JsonValueKind.Array => value.EnumerateArray().Select(TokenContent),
            JsonValueKind.Object => value.EnumerateObject().Select(p => TokenContent(p.Value)),
            _ => [],
        };
        return items.OfType<string>().ToList();
    }

    private static int ParseId(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new InvalidDataException($"Added token id '{text}' is not a number.");
}
