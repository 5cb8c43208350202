using Llava.Model;
using TorchSharp;

namespace Llava.Engine.Caching;

/// <summary>The model's <see cref="KvCache"/> as the scheduler's slot pool.</summary>
internal sealed class KvCacheSlots(KvCache cache) : ISlotPool
{
    public int NumSlots => cache.NumSlots;
    public int Capacity => cache.Capacity;
    public int FreeSlots => cache.FreeSlots;
    public int AllocateSlot() => cache.AllocateSlot();
    public void FreeSlot(int slot) => cache.FreeSlot(slot);

    public void CopyPrefix(int source, int destination, int length)
    {
        using var inference = torch.inference_mode(true);
        cache.CopyPrefix(source, destination, length);
    }
}
