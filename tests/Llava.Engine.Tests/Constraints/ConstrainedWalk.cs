using System.Text;
using Llava.Engine.Constraints;
using Llava.Engine.Tokenization;

namespace Llava.Engine.Tests.Constraints;

/// <summary>
/// Generation under a grammar without a model: at every step the trie's allowed tokens are the only candidates, and
/// a seeded random pick stands in for sampling (leaning towards tokens that end by closing a string or container,
/// as any model eventually must, and towards single characters). What comes out is what a real stream under the constraint could produce.
/// </summary>
internal static class ConstrainedWalk
{
    public sealed record Result(string Text, bool Completed, int Steps);

    public static Result Run(LlavaTokenizer tokenizer, TokenTrie trie, JsonGrammar grammar, int seed, int maxSteps)
    {
        var random = new Random(seed);
        var matcher = grammar.CreateMatcher();
        var allowed = new bool[trie.VocabularySize];
        var output = new List<byte>();
        for (var step = 0; step < maxSteps; step++)
        {
            if (matcher.IsComplete && random.NextDouble() < 0.5)
                return new Result(Decode(output), true, step);
            trie.FillAllowed(matcher, allowed);
            var candidates = Enumerable.Range(0, allowed.Length).Where(i => allowed[i]).ToList();
            if (candidates.Count == 0)
            {
                Assert.True(matcher.IsComplete, $"no token is allowed after '{Lossy(output)}' and the value is not complete");
                return new Result(Decode(output), true, step);
            }
            var closeContainer = candidates.Where(id => tokenizer.TokenBytes(id)[^1] is (byte)']' or (byte)'}').ToList();
            var closeString = candidates.Where(id => tokenizer.TokenBytes(id)[^1] == '"').ToList();
            var single = candidates.Where(id => tokenizer.TokenBytes(id).Length == 1).ToList();
            var roll = random.NextDouble();
            var pool = closeContainer.Count > 0 && roll < 0.3 ? closeContainer
                : closeString.Count > 0 && roll < 0.5 ? closeString
                : single.Count > 0 && roll < 0.75 ? single
                : candidates;
            var token = pool[random.Next(pool.Count)];
            var bytes = tokenizer.TokenBytes(token);
            Assert.True(matcher.TryAdvance(bytes), $"an allowed token was refused after '{Lossy(output)}'");
            output.AddRange(bytes);
        }
        return new Result(matcher.IsComplete ? Decode(output) : Lossy(output), matcher.IsComplete, maxSteps);
    }

    /// <summary>A complete value must be valid UTF-8; this throws if it is not.</summary>
    private static string Decode(List<byte> bytes) => new UTF8Encoding(false, throwOnInvalidBytes: true).GetString([.. bytes]);

    private static string Lossy(List<byte> bytes) => Encoding.UTF8.GetString([.. bytes]);
}
