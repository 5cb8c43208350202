using Llava.Model;

namespace Llava.Engine.Caching;

/// <summary>The model's <see cref="KvCache"/> as the scheduler's slot pool.</summary>
internal sealed class KvCacheSlots(KvCache cache) : ISlotPool
{
    public int NumSlots => cache.NumSlots;
    public int Capacity => cache.Capacity;
    public int FreeSlots => cache.FreeSlots;
    public int AllocateSlot() => cache.AllocateSlot();
    public void FreeSlot(int slot) => cache.FreeSlot(slot);
}
