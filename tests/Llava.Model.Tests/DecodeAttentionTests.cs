using Llava.Model.Language;
using Llava.Model.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Llava.Model.Tests;

/// <summary>
/// The managed decode attention against <c>softmax(q kᵀ / √d) v</c> computed with libtorch ops: the same values
/// within float32 rounding (bfloat16: within one bfloat16 step), with grouped queries, a head size that is not a whole number of vectors, strided query
/// rows and slots of different lengths in any order; and the same bits for a row whatever shares the call and
/// however many threads split it. The model-level check (golden greedy tokens, decode logits against libtorch's
/// attention) is <see cref="FewRowMatmulTests"/>' model test, which turns both kernels off for its reference.
/// </summary>
public sealed class DecodeAttentionTests(ITestOutputHelper output)
{
    private const int Heads = 6;
    private const int KvHeads = 2;
    private const int HeadDim = 20;
    private const int Capacity = 64;

    [Fact]
    public void MatchesSoftmaxAttentionOverEachSlotsOwnLength()
    {
        using var scope = NewDisposeScope();
        var (cache, q) = Filled(tokens: 7, seed: 3);
        var rows = new DecodeRows(Packed: [5, 0, 3], Slots: [2, 0, 3], Lengths: [1, 64, 29]);

        var attended = DecodeAttention.Attend(q, cache.Keys(0), cache.Values(0), rows, threads: 2);

        Assert.Equal([3L, Heads * HeadDim], attended.shape);
        var worst = 0.0;
        for (var r = 0; r < rows.Count; r++)
        {
            var expected = Reference(q[rows.Packed[r]], cache, rows.Slots[r], rows.Lengths[r]);
            var relative = (attended[r] - expected).abs().max().item<float>() / expected.abs().max().item<float>();
            worst = Math.Max(worst, relative);
        }
        output.WriteLine($"worst deviation {worst:E2} of the largest output");
        Assert.True(worst < 1e-5, $"decode attention deviates by {worst:E2}");
    }

    /// <summary>A bfloat16 cache and queries against the same reference on their values: within one bfloat16 step of it.</summary>
    [Fact]
    public void Bfloat16MatchesSoftmaxAttentionWithinOneBfloat16Step()
    {
        using var scope = NewDisposeScope();
        var (cache, q) = Filled(tokens: 7, seed: 3, ScalarType.BFloat16);
        var rows = new DecodeRows(Packed: [5, 0, 3], Slots: [2, 0, 3], Lengths: [1, 64, 29]);

        var attended = DecodeAttention.Attend(q, cache.Keys(0), cache.Values(0), rows, threads: 2);

        Assert.Equal(ScalarType.BFloat16, attended.dtype);
        for (var r = 0; r < rows.Count; r++)
        {
            var expected = Reference(q[rows.Packed[r]], cache, rows.Slots[r], rows.Lengths[r]);
            var excess = TensorCompare.ExcessOverBound(attended[r], expected, 1.0 / 128, 1e-5 * expected.abs().max().item<float>());
            Assert.True(excess <= 0, $"row {r}: an output is more than one bfloat16 step from the reference, by {excess}");
        }
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void ARowGetsTheSameBitsWhateverSharesTheCallAndHoweverManyThreadsSplitIt(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var (cache, q) = Filled(tokens: 4, seed: 5, dtype);
        var rows = new DecodeRows(Packed: [0, 1, 2, 3], Slots: [3, 1, 0, 2], Lengths: [40, 9, 64, 17]);

        var together = DecodeAttention.Attend(q, cache.Keys(0), cache.Values(0), rows, threads: 2);
        for (var r = 0; r < rows.Count; r++)
        {
            var alone = DecodeAttention.Attend(q, cache.Keys(0), cache.Values(0),
                new DecodeRows([rows.Packed[r]], [rows.Slots[r]], [rows.Lengths[r]]), threads: 1);
            Assert.True(TensorCompare.Identical(alone[0], together[r]), $"row {r} changed with the batch");
        }
        var threeThreads = DecodeAttention.Attend(q, cache.Keys(0), cache.Values(0), rows, threads: 3);
        Assert.True(TensorCompare.Identical(together, threeThreads));
    }

    [Fact]
    public void TakesFloat32AndBfloat16CpuCachesOfTheStepsDtype()
    {
        using var float32 = new KvCache(1, 1, 8, KvHeads, HeadDim, ScalarType.Float32, CPU);
        using var bfloat16 = new KvCache(1, 1, 8, KvHeads, HeadDim, ScalarType.BFloat16, CPU);
        using var float16 = new KvCache(1, 1, 8, KvHeads, HeadDim, ScalarType.Float16, CPU);
        Assert.True(DecodeAttention.Takes(ScalarType.Float32, CPU, float32));
        Assert.True(DecodeAttention.Takes(ScalarType.BFloat16, CPU, bfloat16));
        Assert.False(DecodeAttention.Takes(ScalarType.Float32, CPU, bfloat16));
        Assert.False(DecodeAttention.Takes(ScalarType.Float16, CPU, float16));
    }

    /// <summary>A one-layer cache of four slots filled with random keys and values, and queries whose rows are strided
    /// (a view of a wider tensor, as the model's fused q/k/v projection gives them).</summary>
    private static (KvCache Cache, Tensor Q) Filled(int tokens, int seed, ScalarType dtype = ScalarType.Float32)
    {
        manual_seed(seed);
        var cache = new KvCache(1, 4, Capacity, KvHeads, HeadDim, dtype, CPU);
        for (var slot = 0; slot < 4; slot++) cache.AllocateSlot();
        cache.Keys(0).copy_(randn(cache.Keys(0).shape));
        cache.Values(0).copy_(randn(cache.Values(0).shape));
        var q = randn(tokens, Heads + KvHeads, HeadDim).to(dtype).narrow(1, 0, Heads);
        Assert.False(q.is_contiguous());
        return (cache, q);
    }

    /// <summary>One query row's attention with libtorch ops, <c>[heads · headDim]</c>.</summary>
    private static Tensor Reference(Tensor query, KvCache cache, int slot, int length)
    {
        var keys = cache.Keys(0)[slot].narrow(1, 0, length).repeat_interleave(Heads / KvHeads, 0);
        var values = cache.Values(0)[slot].narrow(1, 0, length).repeat_interleave(Heads / KvHeads, 0);
        using var scale = (1 / Math.Sqrt(HeadDim)).ToScalar();
        var scores = query.unsqueeze(1).to(ScalarType.Float64).matmul(keys.to(ScalarType.Float64).transpose(1, 2)).mul_(scale);
        return scores.softmax(-1).matmul(values.to(ScalarType.Float64)).to(ScalarType.Float32).reshape(Heads * HeadDim);
    }
}
