using Llava.Engine.Sampling;

namespace Llava.Engine.Tests.Sampling;

public class SamplerTests
{
    private static readonly float[] Logits = [1f, 3f, 2f, 0.5f, 2.9f];

    [Fact]
    public void GreedyPicksTheArgMax()
    {
        Assert.Equal(1, new Sampler(new SamplingParams { Temperature = 0 }, []).Sample(Logits));
        Assert.Equal(1, new Sampler(new SamplingParams { Temperature = 1, TopK = 1 }, []).Sample(Logits));
    }

    [Theory]
    [InlineData(1e-6)]
    [InlineData(1e-30)]
    [InlineData(1e-40)]
    [InlineData(1e-300)]
    [InlineData(double.Epsilon)]
    public void TemperaturesBetweenZeroAndEpsilonAreGreedy(double temperature)
    {
        // Dividing float logits by these overflows to infinities whose differences are NaN; the draw then picks
        // whatever token comes last.
        var sampler = new Sampler(new SamplingParams { Temperature = temperature, Seed = 7 }, []);
        Assert.All(Enumerable.Range(0, 20), _ => Assert.Equal(1, sampler.Sample(Logits)));
    }

    [Fact]
    public void SameSeedSameDraws()
    {
        var parameters = new SamplingParams { Temperature = 1, Seed = 42 };
        var a = new Sampler(parameters, []);
        var b = new Sampler(parameters, []);
        var drawsA = Enumerable.Range(0, 50).Select(_ => a.Sample(Logits)).ToList();
        var drawsB = Enumerable.Range(0, 50).Select(_ => b.Sample(Logits)).ToList();
        Assert.Equal(drawsA, drawsB);
        Assert.True(drawsA.Distinct().Count() > 1);
    }

    [Fact]
    public void TopKKeepsOnlyTheBestK()
    {
        var sampler = new Sampler(new SamplingParams { Temperature = 2, TopK = 2, Seed = 1 }, []);
        var draws = Enumerable.Range(0, 300).Select(_ => sampler.Sample(Logits)).ToHashSet();
        Assert.Equal(new HashSet<int> { 1, 4 }, draws);
    }

    [Fact]
    public void TopPCutsTheTail()
    {
        // softmax of [1,3,2,0.5,2.9]: p(1)≈.39, p(4)≈.35, p(2)≈.14 → top_p 0.7 keeps ids 1 and 4.
        var sampler = new Sampler(new SamplingParams { Temperature = 1, TopP = 0.7, Seed = 3 }, []);
        var draws = Enumerable.Range(0, 300).Select(_ => sampler.Sample(Logits)).ToHashSet();
        Assert.Equal(new HashSet<int> { 1, 4 }, draws);
    }

    [Fact]
    public void MinPDropsTokensFarBelowTheBest()
    {
        // p_i / p_max = exp(l_i - 3): id 2 → 0.37, id 0 → 0.14, id 3 → 0.08; min_p 0.3 keeps 1, 4, 2.
        var sampler = new Sampler(new SamplingParams { Temperature = 1, MinP = 0.3, Seed = 5 }, []);
        var draws = Enumerable.Range(0, 500).Select(_ => sampler.Sample(Logits)).ToHashSet();
        Assert.Equal(new HashSet<int> { 1, 2, 4 }, draws);
    }

    [Fact]
    public void RepetitionPenaltyDividesPositiveAndMultipliesNegativeLogits()
    {
        var logits = new[] { -1f, 3f, 2.5f };
        var sampler = new Sampler(new SamplingParams { Temperature = 0, RepetitionPenalty = 1.5 }, [1]);
        Assert.Equal(2, sampler.Sample(logits));
    }

    [Fact]
    public void PresenceAndFrequencyPenaltiesApplyToGeneratedTokensOnly()
    {
        var logits = new[] { 0f, 3f, 2.5f };
        var prompt = new Sampler(new SamplingParams { Temperature = 0, PresencePenalty = 1 }, [1]);
        Assert.Equal(1, prompt.Sample(logits));

        var output = new Sampler(new SamplingParams { Temperature = 0, FrequencyPenalty = 0.3 }, []);
        output.Accept(1);
        Assert.Equal(1, output.Sample(logits));
        output.Accept(1);
        Assert.Equal(2, output.Sample(logits));
    }

    /// <summary>
    /// Over a 32000-token vocabulary, top-p and min-p draw exactly what ranking the whole vocabulary gives, both
    /// where the cut falls among a few leading tokens and where it needs nearly all of them (top_p near 1 on a flat
    /// tail, a tiny min_p), with tied logits ordered by id.
    /// </summary>
    [Theory]
    [InlineData(0.9, 0.0, 8.0)]
    [InlineData(0.5, 0.0, 2.0)]
    [InlineData(0.999999, 0.0, 8.0)]
    [InlineData(1.0, 0.05, 8.0)]
    [InlineData(1.0, 1e-9, 8.0)]
    [InlineData(0.95, 0.0, 0.0)]
    public void NucleusDrawsMatchRankingTheWholeVocabulary(double topP, double minP, double peak)
    {
        var noise = new Random(7);
        var logits = new float[32000];
        for (var i = 0; i < logits.Length; i++) logits[i] = (float)Math.Round(noise.NextDouble() * 4, 1);
        for (var i = 0; i < 20; i++) logits[noise.Next(logits.Length)] += (float)(peak * noise.NextDouble());
        var parameters = new SamplingParams { Temperature = 0.7, TopP = topP, MinP = minP, Seed = 11 };

        var sampler = new Sampler(parameters, []);
        var draws = Enumerable.Range(0, 200).Select(_ => sampler.Sample(logits)).ToList();

        Assert.Equal(ReferenceDraws(logits, parameters, 200), draws);
    }

    /// <summary>The textbook nucleus: every token ranked, cumulative probability, min-p, then the same seeded draw.</summary>
    private static List<int> ReferenceDraws(float[] logits, SamplingParams parameters, int draws)
    {
        var scaled = logits.Select(l => l / (float)parameters.Temperature).ToArray();
        var max = scaled.Max();
        var ranked = Enumerable.Range(0, scaled.Length).OrderByDescending(i => scaled[i]).ThenBy(i => i).ToArray();
        var total = scaled.Sum(l => Math.Exp(l - max));
        var count = ranked.Length;
        double cumulative = 0;
        for (var i = 0; i < ranked.Length && parameters.TopP < 1.0; i++)
        {
            cumulative += Math.Exp(scaled[ranked[i]] - max) / total;
            if (cumulative >= parameters.TopP)
            {
                count = i + 1;
                break;
            }
        }
        if (parameters.MinP > 0)
            count = Math.Max(1, ranked.Take(count).Count(i => scaled[i] - max >= Math.Log(parameters.MinP)));

        var seed = parameters.Seed!.Value;
        var random = new Random(unchecked((int)(seed ^ (seed >> 32))));
        var kept = ranked.Take(count).ToArray();
        var mass = kept.Sum(i => Math.Exp(scaled[i] - max));
        return Enumerable.Range(0, draws).Select(_ =>
        {
            var target = random.NextDouble() * mass;
            double running = 0;
            foreach (var id in kept)
            {
                running += Math.Exp(scaled[id] - max);
                if (running > target) return id;
            }
            return kept[^1];
        }).ToList();
    }

    [Theory]
    [InlineData(-0.1, 1.0, "temperature")]
    [InlineData(1.0, 0.0, "top_p")]
    public void ValidateNamesTheField(double temperature, double topP, string field)
    {
        var error = Assert.Throws<ArgumentException>(() => new SamplingParams { Temperature = temperature, TopP = topP }.Validate());
        Assert.Equal(field, error.ParamName);
    }

    [Fact]
    public void LogprobsAreALogSoftmaxOfTheRawLogits()
    {
        var result = LogprobCalculator.Compute(Logits, 2, 3);
        var logSumExp = Math.Log(Logits.Sum(l => Math.Exp(l)));
        Assert.Equal(2 - logSumExp, result.Chosen.Logprob, 5);
        Assert.Equal(new[] { 1, 4, 2 }, result.Top.Select(t => t.TokenId));
        Assert.Equal(3 - logSumExp, result.Top[0].Logprob, 5);
    }
}
