namespace Llava.Engine.Generation;

/// <summary>Where <see cref="EngineOptions.FaultInjector"/> is called: the work the engine does for one sequence alone.</summary>
public enum EngineFaultPoint
{
    /// <summary>The sequence is taken from the queue and given a cache slot (prefix lookup, prompt embedding).</summary>
    Admission,

    /// <summary>The next token is sampled from the sequence's logits.</summary>
    Sampling,
}
