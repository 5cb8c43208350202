namespace Llava.Engine.Tests.Generation;

/// <summary>
/// Tests that measure the process's resident memory run on their own: engines loaded by test classes running in
/// parallel would show up as growth.
/// </summary>
[CollectionDefinition(nameof(MemoryMeasurementCollection), DisableParallelization = true)]
public sealed class MemoryMeasurementCollection;
