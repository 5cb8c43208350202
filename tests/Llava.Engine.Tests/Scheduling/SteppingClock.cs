namespace Llava.Engine.Tests.Scheduling;

/// <summary>
/// A clock that moves one second each time it is read. The engine reads it once per step, so in tests "waited
/// 3 s" means "waited 3 engine steps": deadlines and preemption ages become deterministic without real waiting.
/// </summary>
internal sealed class SteppingClock : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Add(ref _ticks, TimeSpan.TicksPerSecond);
}
