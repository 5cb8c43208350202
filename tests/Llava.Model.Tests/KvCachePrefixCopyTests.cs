using Llava.Model.Tests.Support;
using static TorchSharp.torch;

namespace Llava.Model.Tests;

/// <summary>A prefix copied from another slot serves a continuation exactly as if it had been computed there.</summary>
public sealed class KvCachePrefixCopyTests
{
    [Fact]
    public void ContinuingFromACopiedPrefixGivesTheSameLogitsAsTheSourceSlot()
    {
        var model = TinyModel.Float32;
        var goldenCase = Golden.Case("single_gradient");
        var length = goldenCase.InputIds.Length;
        const int prefix = 45;

        using var cache = model.CreateKvCache(slots: 3, capacity: 128);
        var source = cache.AllocateSlot();
        cache.AllocateSlot(); // an unrelated slot in between, so the copy must address slots correctly
        var destination = cache.AllocateSlot();
        using var embeds = TinyModel.PromptEmbeds(model, goldenCase);
        using var tail = embeds.narrow(0, prefix, length - prefix);

        using (var head = embeds.narrow(0, 0, prefix))
            model.ForwardCached(head, ForwardBatch.Single(source, 0, prefix), cache).Dispose();
        cache.CopyPrefix(source, destination, prefix);
        Assert.Equal(prefix, cache.Length(destination));

        using var fromSource = model.ForwardCached(tail, ForwardBatch.Single(source, prefix, length - prefix), cache);
        using var fromCopy = model.ForwardCached(tail, ForwardBatch.Single(destination, prefix, length - prefix), cache);
        Assert.True(fromSource.eq(fromCopy).all().item<bool>());
        for (var layer = 0; layer < cache.NumLayers; layer++)
        {
            using var sourceKeys = cache.Keys(layer)[source].narrow(1, 0, length);
            using var copiedKeys = cache.Keys(layer)[destination].narrow(1, 0, length);
            Assert.True(sourceKeys.eq(copiedKeys).all().item<bool>());
        }
    }

    [Fact]
    public void CopyingMoreThanTheSourceHoldsOrOntoItselfIsRefused()
    {
        using var cache = new KvCache(layers: 1, slots: 3, capacity: 8, kvHeads: 1, headDim: 2, ScalarType.Float32, CPU);
        var source = cache.AllocateSlot();
        var destination = cache.AllocateSlot();
        Assert.Throws<ArgumentOutOfRangeException>(() => cache.CopyPrefix(source, destination, 1));
        Assert.Throws<ArgumentException>(() => cache.CopyPrefix(source, source, 0));
        Assert.Throws<ArgumentException>(() => cache.CopyPrefix(source, 2, 0));
        cache.CopyPrefix(source, destination, 0);
        Assert.Equal(0, cache.Length(destination));
    }
}
