using Llava.Engine.Sampling;

namespace Llava.Engine.Tests.Sampling;

/// <summary>logit_bias and a grammar's allowed-token mask, as the sampler applies them, and their validation.</summary>
public class BiasAndMaskTests
{
    private static readonly float[] Logits = [1f, 3f, 2f, 0.5f, 2.9f];

    private static SamplingParams Sampled(long seed) => new() { Temperature = 1.0, TopP = 0.9, TopK = 3, MinP = 0.01, Seed = seed };

    [Fact]
    public void BiasOfPlusHundredForcesATokenGreedyAndSampled()
    {
        var bias = new Dictionary<int, double> { [3] = 100 };
        Assert.Equal(3, new Sampler(new SamplingParams { Temperature = 0, LogitBias = bias }, []).Sample(Logits));
        var sampler = new Sampler(Sampled(5) with { LogitBias = bias }, []);
        Assert.All(Enumerable.Range(0, 50), _ => Assert.Equal(3, sampler.Sample(Logits)));
    }

    [Fact]
    public void BiasOfMinusHundredBansATokenGreedyAndSampled()
    {
        var bias = new Dictionary<int, double> { [1] = -100 };
        Assert.Equal(4, new Sampler(new SamplingParams { Temperature = 0, LogitBias = bias }, []).Sample(Logits));
        var sampler = new Sampler(Sampled(5) with { LogitBias = bias }, []);
        var draws = Enumerable.Range(0, 200).Select(_ => sampler.Sample(Logits)).ToHashSet();
        Assert.DoesNotContain(1, draws);
        Assert.True(draws.Count > 1);
    }

    [Fact]
    public void TheMaskComesAfterTheBiasAndBeforeEverythingElse()
    {
        // Token 1 is biased to the top but masked; top-k 1 and greedy must then choose among the allowed only.
        bool[] allowed = [true, false, true, true, false];
        var bias = new Dictionary<int, double> { [1] = 100, [3] = 5 };
        Assert.Equal(3, new Sampler(new SamplingParams { Temperature = 0, LogitBias = bias }, []).Sample(Logits, allowed));
        Assert.Equal(3, new Sampler(new SamplingParams { Temperature = 1, TopK = 1, Seed = 3, LogitBias = bias }, []).Sample(Logits, allowed));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(2L)]
    public void SampledDrawsStayInsideTheMask(long seed)
    {
        bool[] allowed = [true, false, false, true, false];
        var sampler = new Sampler(Sampled(seed) with { TopK = 0, TopP = 1, MinP = 0 }, []);
        var draws = Enumerable.Range(0, 300).Select(_ => sampler.Sample(Logits, allowed)).ToHashSet();
        Assert.Equal(new HashSet<int> { 0, 3 }, draws);
    }

    [Theory]
    [InlineData(5, 1.0, "5")]
    [InlineData(-1, 1.0, "-1")]
    [InlineData(2, 100.5, "100.5")]
    [InlineData(2, -101.0, "-101")]
    public void ValidateRejectsIdsOutsideTheVocabularyAndValuesOutOfRange(int id, double value, string named)
    {
        var parameters = new SamplingParams { LogitBias = new Dictionary<int, double> { [0] = 1, [id] = value } };
        var error = Assert.Throws<ArgumentException>(() => parameters.Validate(vocabularySize: 5));
        Assert.Equal("logit_bias", error.ParamName);
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void ValidateAcceptsTheWholeRange() =>
        new SamplingParams { LogitBias = new Dictionary<int, double> { [0] = -100, [4] = 100 } }.Validate(vocabularySize: 5);
}
