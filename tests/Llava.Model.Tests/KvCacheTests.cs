using static TorchSharp.torch;

namespace Llava.Model.Tests;

public sealed class KvCacheTests
{
    [Fact]
    public void SlotsAreHandedOutAndReturned()
    {
        using var cache = new KvCache(layers: 2, slots: 3, capacity: 8, kvHeads: 2, headDim: 4, ScalarType.Float32, CPU);
        Assert.Equal(3, cache.FreeSlots);
        Assert.Equal([0, 1, 2], new[] { cache.AllocateSlot(), cache.AllocateSlot(), cache.AllocateSlot() });
        Assert.Equal(0, cache.FreeSlots);
        Assert.Throws<InvalidOperationException>(() => cache.AllocateSlot());

        cache.FreeSlot(1);
        Assert.Equal(1, cache.FreeSlots);
        Assert.False(cache.IsAllocated(1));
        Assert.Throws<ArgumentException>(() => cache.FreeSlot(1));
        Assert.Throws<ArgumentException>(() => cache.Length(1));
        Assert.Equal(1, cache.AllocateSlot());
        Assert.Equal(0, cache.Length(1));
    }

    [Fact]
    public void LayoutIsSlotsByKvHeadsByCapacityByHeadDim()
    {
        using var cache = new KvCache(layers: 2, slots: 3, capacity: 8, kvHeads: 2, headDim: 4, ScalarType.BFloat16, CPU);
        Assert.Equal([3L, 2, 8, 4], cache.Keys(1).shape);
        Assert.Equal([3L, 2, 8, 4], cache.Values(0).shape);
        Assert.Equal(ScalarType.BFloat16, cache.Keys(0).dtype);
    }
}
