using System.Text.Json;
using Llava.Engine.Tokenization;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Tokenization;

/// <summary>Loads the fixture tokenizer and the checked-in expectations once for all tokenization tests.</summary>
internal static class TokenizerFixtures
{
    private static readonly Lazy<LlavaTokenizer> LazyTokenizer = new(() => LlavaTokenizer.Load(RepoPaths.FixtureModel));
    private static readonly Lazy<IReadOnlyList<ParityCase>> LazyParityCases = new(ReadParityCases);
    private static readonly Lazy<JsonElement> LazyGolden = new(() =>
    {
        using var document = JsonDocument.Parse(File.ReadAllText(RepoPaths.GoldenJson));
        return document.RootElement.Clone();
    });

    public static LlavaTokenizer Tokenizer => LazyTokenizer.Value;

    /// <summary>Hugging Face ids generated with the real SentencePiece by Data/make_parity_table.py.</summary>
    public static IReadOnlyList<ParityCase> ParityCases => LazyParityCases.Value;

    public static JsonElement Golden => LazyGolden.Value;

    public static IEnumerable<JsonElement> GoldenCases => Golden.GetProperty("cases").EnumerateArray();

    public static JsonElement GoldenCase(string name) =>
        GoldenCases.Single(c => c.GetProperty("name").GetString() == name);

    public static IEnumerable<object[]> GoldenCaseNames() =>
        GoldenCases.Select(c => new object[] { c.GetProperty("name").GetString()! });

    public static string ParityTablePath =>
        Path.Combine(RepoPaths.Root, "tests", "Llava.Engine.Tests", "Tokenization", "Data", "parity_table.json");

    public static int[] Ints(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt32())];

    private static IReadOnlyList<ParityCase> ReadParityCases()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(ParityTablePath));
        return
        [
            .. document.RootElement.GetProperty("cases").EnumerateArray()
                .Select(c => new ParityCase(
                    c.GetProperty("text").GetString()!,
                    Ints(c.GetProperty("ids")),
                    Ints(c.GetProperty("ids_prepend_first")),
                    Ints(c.GetProperty("ids_prepend_always")),
                    Ints(c.GetProperty("ids_prepend_never")))),
        ];
    }
}

/// <summary>
/// One string's ids: <see cref="Ids"/> in legacy mode (the fixture's), the others with a Metaspace pre-tokenizer
/// in place of the legacy normalizer, one per <c>prepend_scheme</c>.
/// </summary>
internal sealed record ParityCase(string Text, int[] Ids, int[] IdsPrependFirst, int[] IdsPrependAlways, int[] IdsPrependNever)
{
    public int[] IdsFor(string prependScheme) => prependScheme switch
    {
        "first" => IdsPrependFirst,
        "always" => IdsPrependAlways,
        "never" => IdsPrependNever,
        _ => throw new ArgumentOutOfRangeException(nameof(prependScheme), prependScheme, null),
    };
}
