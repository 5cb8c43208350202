using Llava.Engine.Constraints;
using Llava.Engine.Tests.Tokenization;

namespace Llava.Engine.Tests.Constraints;

/// <summary>
/// Every output produced under a schema's grammar, token by token with the fixture's 32,000-piece vocabulary,
/// parses and validates against that schema (JsonSchema.Net, formats required), over a corpus of 37 schemas.
/// </summary>
public class ConstrainedOutputTests
{
    private static TokenTrie Trie => TokenTrie.For(TokenizerFixtures.Tokenizer);

    public static IEnumerable<object[]> SchemaNames() => SchemaCorpus.Names.Select(name => new object[] { name });

    [Fact]
    public void CorpusHasAtLeastThirtySchemas() => Assert.True(SchemaCorpus.Names.Count() >= 30);

    [Theory]
    [MemberData(nameof(SchemaNames))]
    public void EveryCompletedOutputValidates(string name)
    {
        var schema = SchemaCorpus.Get(name);
        var grammar = JsonGrammar.FromSchema(schema);
        var completed = 0;
        var unfinished = new List<string>();
        for (var seed = 0; seed < 4; seed++)
        {
            var result = ConstrainedWalk.Run(TokenizerFixtures.Tokenizer, Trie, grammar, seed, maxSteps: 160);
            if (!result.Completed)
            {
                unfinished.Add(result.Text);
                continue;
            }
            completed++;
            SchemaCorpus.AssertValid(schema, result.Text, $"{name}, seed {seed}");
        }
        Assert.True(completed > 0, $"{name}: no walk completed a value: {string.Join(" | ", unfinished)}");
    }
}
