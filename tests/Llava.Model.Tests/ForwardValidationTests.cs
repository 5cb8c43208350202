using Llava.Model.Tests.Support;
using static TorchSharp.torch;

namespace Llava.Model.Tests;

/// <summary>Batches and prompts that do not fit the cache or the model are refused before anything is written.</summary>
public sealed class ForwardValidationTests
{
    private static LlavaForConditionalGeneration Model => TinyModel.Float32;

    [Fact]
    public void UnallocatedSlot()
    {
        using var cache = Model.CreateKvCache(2, 16);
        using var embeds = zeros(3, 64);
        var error = Assert.Throws<ArgumentException>(() => Model.ForwardCached(embeds, ForwardBatch.Single(1, 0, 3), cache));
        Assert.Contains("slot 1 is not allocated", error.Message);
    }

    [Fact]
    public void SlotTwiceInOneBatch()
    {
        using var cache = Model.CreateKvCache(2, 16);
        var slot = cache.AllocateSlot();
        using var embeds = zeros(4, 64);
        var batch = new ForwardBatch([new SequenceChunk(slot, 0, 2), new SequenceChunk(slot, 2, 2)]);
        var error = Assert.Throws<ArgumentException>(() => Model.ForwardCached(embeds, batch, cache));
        Assert.Contains("appears twice", error.Message);
    }

    [Fact]
    public void StartBeyondWhatTheSlotHolds()
    {
        using var cache = Model.CreateKvCache(1, 16);
        var slot = cache.AllocateSlot();
        using var embeds = zeros(1, 64);
        var error = Assert.Throws<ArgumentException>(() => Model.ForwardCached(embeds, ForwardBatch.Single(slot, 3, 1), cache));
        Assert.Contains("0 cached tokens", error.Message);
    }

    [Fact]
    public void ChunkPastSlotCapacity()
    {
        using var cache = Model.CreateKvCache(1, 4);
        var slot = cache.AllocateSlot();
        using var embeds = zeros(5, 64);
        var error = Assert.Throws<ArgumentException>(() => Model.ForwardCached(embeds, ForwardBatch.Single(slot, 0, 5), cache));
        Assert.Contains("capacity of 4", error.Message);
        Assert.Equal(0, cache.Length(slot));
    }

    [Fact]
    public void EmbeddingRowsDoNotMatchTheBatch()
    {
        using var cache = Model.CreateKvCache(1, 16);
        var slot = cache.AllocateSlot();
        using var embeds = zeros(4, 64);
        var error = Assert.Throws<ArgumentException>(() => Model.ForwardCached(embeds, ForwardBatch.Single(slot, 0, 3), cache));
        Assert.Contains("[3, 64]", error.Message);
    }

    [Fact]
    public void CacheLongerThanThePositionTable()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Model.CreateKvCache(1, 4096));
    }

    [Fact]
    public void ImageTokenCountMustMatchTheFeatures()
    {
        var goldenCase = Golden.Case("two_images");
        using var ids = tensor(goldenCase.InputIds);
        using var pixels = Golden.Pixels(goldenCase.Images.Take(1));
        using var oneImage = Model.GetImageFeatures(pixels);
        var error = Assert.Throws<ArgumentException>(() => Model.EmbedPrompt(ids, oneImage));
        Assert.Contains("72 image tokens", error.Message);
        Assert.Contains("36 feature rows", error.Message);
        Assert.Throws<ArgumentException>(() => Model.EmbedPrompt(ids, null));
    }

    [Fact]
    public void ImageFeaturesFillTheImageTokenRowsInOrder()
    {
        var goldenCase = Golden.Case("two_images");
        using var ids = tensor(goldenCase.InputIds);
        using var pixels = Golden.Pixels(goldenCase.Images);
        using var features = Model.GetImageFeatures(pixels);
        using var embeds = Model.EmbedPrompt(ids, features);
        using var tokens = Model.EmbedTokens(ids);

        var spans = Golden.Root.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "two_images")
            .GetProperty("image_token_spans").EnumerateArray().Select(s => (s[0].GetInt32(), s[1].GetInt32())).ToList();
        for (var image = 0; image < spans.Count; image++)
        {
            var (start, end) = spans[image];
            using var rows = embeds.narrow(0, start, end - start);
            using var imageFeatures = features[image];
            Assert.True(TensorCompare.Identical(rows, imageFeatures));
        }
        using var textRows = embeds.narrow(0, 0, spans[0].Item1);
        using var textTokens = tokens.narrow(0, 0, spans[0].Item1);
        Assert.True(TensorCompare.Identical(textRows, textTokens));
    }

    [Fact]
    public void PixelsOfTheWrongSize()
    {
        using var pixels = zeros(1, 3, 224, 224);
        var error = Assert.Throws<ArgumentException>(() => Model.GetImageFeatures(pixels));
        Assert.Contains("[images, 3, 84, 84]", error.Message);
    }
}
