namespace LlavaBench.Modeling;

/// <summary>A checkpoint folder written by <see cref="BenchModelGenerator"/> and what it holds.</summary>
public sealed record GeneratedModel(string Path, BenchModelSpec Spec, long ParameterCount);
