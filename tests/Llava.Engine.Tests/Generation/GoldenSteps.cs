using System.Text.Json;
using Llava.Engine.Generation;

namespace Llava.Engine.Tests.Generation;

/// <summary>Checks generated tokens' logprobs against a golden case's greedy steps.</summary>
internal static class GoldenSteps
{
    /// <summary>Each step's top-5 ids in order, their logprobs and the chosen token's logprob within 1e-3.</summary>
    public static void AssertLogprobs(JsonElement greedy, IReadOnlyList<GenerationEvent> tokens)
    {
        var steps = greedy.GetProperty("steps").EnumerateArray().ToList();
        for (var i = 0; i < steps.Count; i++)
        {
            var expectedTop = steps[i].GetProperty("top5").EnumerateArray().ToList();
            var actual = tokens[i].Logprobs!;
            Assert.Equal(expectedTop.Select(t => t.GetProperty("id").GetInt32()), actual.Top.Select(t => t.TokenId));
            for (var k = 0; k < expectedTop.Count; k++)
                Assert.InRange(actual.Top[k].Logprob - expectedTop[k].GetProperty("logprob").GetDouble(), -1e-3, 1e-3);
            Assert.InRange(actual.Chosen.Logprob - steps[i].GetProperty("logprob").GetDouble(), -1e-3, 1e-3);
        }
    }
}
