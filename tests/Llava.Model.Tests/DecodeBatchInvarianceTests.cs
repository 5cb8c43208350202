using Llava.Model.Tests.Support;
using static TorchSharp.torch;

namespace Llava.Model.Tests;

/// <summary>
/// The batched decode attention gives a sequence bit for bit the same logits whichever other sequence shares its
/// step, even one long enough to widen the keys read past one 512-position block, and whether the decode rows are
/// their slot range in order or scattered into a wider range. Both batches have two rows, so the matmuls see the
/// same row count (a different row count changes their last bits: docs/scheduler.md "Batch invariance"). Both
/// attention paths are held to it: the managed decode kernels (float32 and bfloat16) and libtorch's batched SDPA.
/// </summary>
public sealed class DecodeBatchInvarianceTests
{
    private const int ShortContext = 30;
    private const int LongContext = 700;

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void DecodeLogitsDoNotDependOnTheOtherSequenceInTheStep(bool managedKernels, bool bfloat16)
    {
        var model = (managedKernels, bfloat16) switch
        {
            (true, true) => TinyModel.Bfloat16,
            (true, false) => TinyModel.Float32,
            _ => TinyModel.LibtorchFloat32,
        };
        Assert.Equal(managedKernels, model.Precision.Matmul?.DecodeAttention == true);
        var goldenCase = Golden.Case("single_gradient");
        var length = goldenCase.InputIds.Length;
        using var cache = model.CreateKvCache(slots: 4, capacity: 1024);
        cache.AllocateSlot(); // idle: slot 0 lies outside the decode rows' range
        var slot = cache.AllocateSlot();
        var shortSlot = cache.AllocateSlot();
        var longSlot = cache.AllocateSlot();
        using (var embeds = TinyModel.PromptEmbeds(model, goldenCase))
            model.ForwardCached(embeds, ForwardBatch.Single(slot, 0, length), cache).Dispose();
        Prefill(model, cache, shortSlot, ShortContext, seed: 1);
        Prefill(model, cache, longSlot, LongContext, seed: 2);

        using var next = model.EmbedTokens(tensor(new long[] { goldenCase.GreedyIds[0], 42 }));
        var step = new SequenceChunk(slot, length, 1);
        using var withShort = model.ForwardCached(next, new ForwardBatch([step, new SequenceChunk(shortSlot, ShortContext, 1)]), cache);
        using var withLong = model.ForwardCached(next, new ForwardBatch([step, new SequenceChunk(longSlot, LongContext, 1)]), cache);

        Assert.True(TensorCompare.Identical(withShort[0], withLong[0]), "the decode row changed with the other sequence");
        using var argmax = withLong[0].argmax();
        Assert.Equal(goldenCase.GreedyIds[1], argmax.item<long>());
    }

    private static void Prefill(LlavaForConditionalGeneration model, KvCache cache, int slot, int length, int seed)
    {
        var random = new Random(seed);
        using var ids = tensor(Enumerable.Range(0, length).Select(_ => (long)random.Next(3, 1000)).ToArray());
        using var embeds = model.EmbedTokens(ids);
        model.ForwardCached(embeds, ForwardBatch.Single(slot, 0, length), cache).Dispose();
    }
}
