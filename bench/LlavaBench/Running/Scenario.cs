namespace LlavaBench.Running;

/// <summary>
/// <paramref name="Requests"/> streaming requests sent by <paramref name="Concurrency"/> clients, each sending its
/// next request as soon as the previous one finished. <paramref name="BodyFor"/> gives request <c>i</c>'s body.
/// </summary>
/// <param name="Images">The <see cref="Workload.ImageModes"/> of a throughput scenario.</param>
public sealed record Scenario(string Name, string Kind, int Concurrency, int Requests, Func<int, string> BodyFor, string? Images = null)
{
    public const string Throughput = "throughput";
    public const string CacheMiss = "cache-miss";
    public const string CacheHit = "cache-hit";
}
