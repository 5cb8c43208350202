namespace LlavaBench.Workload;

/// <summary>
/// Which images a throughput scenario's requests carry. A server with an image cache wins on repeated images;
/// distinct ones show what it does without that help.
/// </summary>
public static class ImageModes
{
    /// <summary>A pool of four images in rotation.</summary>
    public const string Rotating = "rotating";

    /// <summary>A new image for every request.</summary>
    public const string Distinct = "distinct";

    /// <summary>One image for every request.</summary>
    public const string Repeated = "repeated";

    public static readonly IReadOnlyList<string> All = [Rotating, Distinct, Repeated];
}
