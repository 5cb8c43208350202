namespace Llava.Engine.Generation;

/// <summary>
/// A prompt ready for the model: token ids with every image placeholder already expanded to one position
/// per image feature, and each image's preprocessed pixels in placeholder order.
/// </summary>
public sealed record PreparedPrompt(string Text, IReadOnlyList<int> TokenIds, IReadOnlyList<PreparedImage> Images);

/// <param name="PixelValues">CHW float32, normalised.</param>
/// <param name="Hash">Content hash of the decoded pixels (for the image and prefix caches).</param>
public sealed record PreparedImage(float[] PixelValues, int Height, int Width, string Hash);
