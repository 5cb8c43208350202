namespace Llava.Model.Config;

/// <summary>
/// The <c>rope_scaling</c> block of a Llama text config. Only <c>linear</c> scaling is implemented; the loader
/// rejects every other type so that a long-context checkpoint never silently runs with wrong positions.
/// </summary>
public sealed class RopeScaling
{
    /// <summary>Older configs spell the kind <c>type</c>, newer ones <c>rope_type</c>.</summary>
    public string? Type { get; init; }

    public string? RopeType { get; init; }

    public double Factor { get; init; } = 1.0;

    public string Kind => RopeType ?? Type ?? "default";
}
