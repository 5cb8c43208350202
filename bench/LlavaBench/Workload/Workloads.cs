namespace LlavaBench.Workload;

/// <summary>
/// What request <c>i</c> of a scenario sends. Images are encoded up front, so the clients' timing excludes it.
/// Every request asks its own question, so only the image (and the shared system prompt) can repeat.
/// </summary>
public static class Workloads
{
    private const int RotatingImages = 4;

    /// <summary>Throughput scenarios: <paramref name="requests"/> requests whose images follow <paramref name="mode"/>.</summary>
    public static Func<int, string> Throughput(ChatRequestFactory factory, string mode, int salt, int requests) => mode switch
    {
        ImageModes.Rotating => WithImages(factory, salt, RotatingImages),
        ImageModes.Distinct => WithImages(factory, salt, requests),
        ImageModes.Repeated => WithImages(factory, salt, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown image mode"),
    };

    /// <summary>A small pool of images in rotation, each request with its own question.</summary>
    public static Func<int, string> Rotating(ChatRequestFactory factory, int salt) => WithImages(factory, salt, RotatingImages);

    /// <summary>Cache misses: every request a new image and a new question.</summary>
    public static Func<int, string> Cold(ChatRequestFactory factory, int salt, int requests)
    {
        var bodies = Enumerable.Range(0, requests)
            .Select(i => factory.Build(BenchImages.DataUrl(BenchImages.Png(salt + 1_000 + i)), Questions.Unique(salt + 1_000, i)))
            .ToArray();
        return i => bodies[i];
    }

    /// <summary>Cache hits: the same image, system prompt and question every time.</summary>
    public static Func<int, string> Hot(ChatRequestFactory factory, int salt)
    {
        var body = factory.Build(BenchImages.DataUrl(BenchImages.Png(salt + 2_000)), Questions.Repeated);
        return _ => body;
    }

    private static Func<int, string> WithImages(ChatRequestFactory factory, int salt, int images)
    {
        var urls = Enumerable.Range(0, images).Select(i => BenchImages.DataUrl(BenchImages.Png(salt + i))).ToArray();
        return i => factory.Build(urls[i % urls.Length], Questions.Unique(salt, i));
    }
}
