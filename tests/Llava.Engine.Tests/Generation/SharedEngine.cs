using Llava.Engine.Generation;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Generation;

/// <summary>One engine on the fixture model for a test class (loading takes a moment).</summary>
public sealed class SharedEngine : IDisposable
{
    public LlavaEngine Engine { get; } = LlavaEngine.Load(new EngineOptions
    {
        ModelPath = RepoPaths.FixtureModel,
        MaxRunningSequences = 4,
        MaxModelLength = 512,
    });

    public void Dispose() => Engine.Dispose();
}
