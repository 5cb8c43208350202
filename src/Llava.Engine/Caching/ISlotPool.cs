namespace Llava.Engine.Caching;

/// <summary>
/// The KV-cache slots as the scheduler sees them: numbered places to hand out, take back and start from another
/// slot's prefix, nothing about the tensors behind them. Lets the scheduling policy run (and be tested) without a
/// model.
/// </summary>
internal interface ISlotPool
{
    int NumSlots { get; }

    /// <summary>Positions one slot holds.</summary>
    int Capacity { get; }

    int FreeSlots { get; }

    /// <summary>Claims an empty slot.</summary>
    /// <exception cref="InvalidOperationException">Every slot is in use.</exception>
    int AllocateSlot();

    void FreeSlot(int slot);

    /// <summary>
    /// Starts <paramref name="destination"/> from the first <paramref name="length"/> positions of
    /// <paramref name="source"/>. Done at once, at admission: the source may be preempted, and its slot reused, later
    /// in the same step.
    /// </summary>
    void CopyPrefix(int source, int destination, int length);
}
