namespace Llava.Engine.Scheduling;

/// <summary>Where a sequence is in the scheduler.</summary>
internal enum SequenceStatus
{
    /// <summary>Queued for a slot: new, or preempted and waiting to resume.</summary>
    Waiting,

    /// <summary>Holding a slot; planned into steps until it finishes.</summary>
    Running,

    /// <summary>Taken out of the scheduler (finished, failed, cancelled or timed out); its stream is ending.</summary>
    Retired,
}
