using Llava.Model.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Llava.Model.Tests;

/// <summary>Public entry points leave no tensor behind except the ones they return.</summary>
public sealed class TensorLifetimeTests
{
    [Fact]
    public void ForwardsLeakNoTensors()
    {
        var model = TinyModel.Float32;
        var goldenCase = Golden.Case("two_images");
        using var cache = model.CreateKvCache(2, 128);
        var slot = cache.AllocateSlot();
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        using (var ids = tensor(goldenCase.InputIds))
        using (var pixels = Golden.Pixels(goldenCase.Images))
        using (var features = model.GetImageFeatures(pixels))
        using (var embeds = model.EmbedPrompt(ids, features))
        {
            model.ForwardCached(embeds, ForwardBatch.Single(slot, 0, goldenCase.InputIds.Length), cache).Dispose();
            using var batched = embeds.unsqueeze(0);
            model.Forward(batched).Dispose();
        }
        using (var next = tensor(new long[] { goldenCase.GreedyIds[0] }))
        using (var embedded = model.EmbedTokens(next))
            model.ForwardCached(embedded, ForwardBatch.Single(slot, goldenCase.InputIds.Length, 1), cache, allPositions: true).Dispose();

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
