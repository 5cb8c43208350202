using Llava.Engine.Sampling;

namespace Llava.Engine.Tests.Sampling;

/// <summary>
/// <see cref="Sampler.SampleTopK"/> chooses from the k + 1 best logits what <see cref="Sampler.Sample"/> chooses from
/// the whole row, draw for draw, however the device orders tied values; <see cref="LogprobCalculator.FromTop"/> gives
/// from a log-sum-exp and the best logits what <see cref="LogprobCalculator.Compute"/> gives from the whole row.
/// </summary>
public class TopKCandidateTests
{
    public static TheoryData<int, double, double, double> Settings => new()
    {
        { 2, 1.0, 1.0, 0.0 },
        { 5, 0.7, 1.0, 0.0 },
        { 5, 1.3, 0.9, 0.0 },
        { 20, 1.0, 1.0, 0.05 },
        { 40, 1.5, 0.8, 0.01 },
        { 199, 0.9, 0.95, 0.0 },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void CandidatesGiveTheWholeRowsDraws(int k, double temperature, double topP, double minP)
    {
        var random = new Random(k);
        for (var row = 0; row < 20; row++)
        {
            // Values on a coarse grid, so ties are common inside the top k (and sometimes at its edge).
            var logits = Enumerable.Range(0, 200).Select(_ => random.Next(-40, 40) / 8f).ToArray();
            var parameters = new SamplingParams { Temperature = temperature, TopK = k, TopP = topP, MinP = minP, Seed = row };
            var (values, ids) = DeviceTopK(logits, k + 1);
            if (!Sampler.TopKDecided(values, parameters))
            {
                Assert.Equal(values[k - 1], values[k]);
                continue;
            }
            var whole = new Sampler(parameters, []);
            var candidates = new Sampler(parameters, []);
            for (var draw = 0; draw < 30; draw++)
                Assert.Equal(whole.Sample(logits), candidates.SampleTopK(values, ids));
        }
    }

    [Fact]
    public void ATieAtTheEdgeNeedsTheWholeRow()
    {
        float[] logits = [3f, 2f, 1f, 1f, 0f];
        var (values, _) = DeviceTopK(logits, 4);
        Assert.False(Sampler.TopKDecided(values, new SamplingParams { TopK = 3 }));
        Assert.True(Sampler.TopKDecided(values, new SamplingParams { TopK = 2 }));
        Assert.Throws<ArgumentException>(() => new Sampler(new SamplingParams { TopK = 3, Seed = 1 }, []).SampleTopK(values, [0, 1, 2, 3]));
    }

    [Fact]
    public void ValuesThatTemperatureMakesEqualAreATieToo()
    {
        // Two distinct floats whose quotients by the temperature round to the same float.
        var temperature = 1.5f;
        var upper = 1f;
        while (upper / temperature != MathF.BitDecrement(upper) / temperature) upper = MathF.BitIncrement(upper);
        float[] values = [2f, upper, MathF.BitDecrement(upper)];
        Assert.False(Sampler.TopKDecided(values, new SamplingParams { TopK = 2, Temperature = temperature }));
        Assert.True(Sampler.TopKDecided(values, new SamplingParams { TopK = 2, Temperature = 1 }));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(20)]
    public void LogprobsFromTheBestLogitsEqualTheWholeRows(int topCount)
    {
        var random = new Random(topCount);
        for (var row = 0; row < 20; row++)
        {
            var logits = Enumerable.Range(0, 300).Select(_ => random.Next(-80, 80) / 8f).ToArray();
            var (values, ids) = DeviceTopK(logits, topCount + 1);
            if (!LogprobCalculator.TopDecided(values, topCount))
            {
                Assert.Equal(values[topCount - 1], values[topCount]);
                continue;
            }
            using var logSumExp = TorchSharp.torch.tensor(logits).to(TorchSharp.torch.ScalarType.Float64).logsumexp(0);
            var chosen = random.Next(logits.Length);
            var expected = LogprobCalculator.Compute(logits, chosen, topCount);
            var actual = LogprobCalculator.FromTop(logSumExp.item<double>(), values, ids, topCount, chosen, logits[chosen]);
            Assert.Equal(expected.Chosen, actual.Chosen);
            Assert.Equal(expected.Top, actual.Top);
        }
    }

    /// <summary>The <paramref name="count"/> largest values, descending, tied ones in descending id order (the reverse of the sampler's).</summary>
    private static (float[] Values, long[] Ids) DeviceTopK(float[] logits, int count)
    {
        var order = Enumerable.Range(0, logits.Length).OrderByDescending(i => logits[i]).ThenByDescending(i => i).Take(count).ToArray();
        return (order.Select(i => logits[i]).ToArray(), order.Select(i => (long)i).ToArray());
    }
}
