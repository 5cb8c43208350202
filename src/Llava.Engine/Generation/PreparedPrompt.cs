using Llava.Engine.Imaging;

namespace Llava.Engine.Generation;

/// <summary>
/// A prompt ready for the model: token ids with every image placeholder already expanded to one position
/// per image feature, and each image's preprocessed pixels in placeholder order.
/// </summary>
public sealed record PreparedPrompt(string Text, IReadOnlyList<int> TokenIds, IReadOnlyList<PreparedImage> Images)
{
    /// <summary>
    /// The cache scope (vLLM's <c>cache_salt</c>): a request reuses cached prefixes and image features only from
    /// requests with the same salt, so callers with different salts cannot learn through timing what the others
    /// sent. Null shares with every other unsalted request.
    /// </summary>
    public string? CacheSalt { get; init; }
}

/// <param name="Input">The crops' pixel values (CHW float32, normalised) and the positions the image fills.</param>
/// <param name="SourceHeight">Height of the decoded image (LLaVA-NeXT packs its features by it).</param>
/// <param name="SourceWidth">Width of the decoded image.</param>
/// <param name="Hash">Content hash of the decoded pixels (for the image and prefix caches).</param>
public sealed record PreparedImage(ImageInput Input, int SourceHeight, int SourceWidth, string Hash);
