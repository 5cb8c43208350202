using Llava.Engine.Imaging;

namespace Llava.Engine.Generation;

/// <summary>
/// A prompt ready for the model: token ids with every image placeholder already expanded to one position
/// per image feature, and each image's preprocessed pixels in placeholder order.
/// </summary>
public sealed record PreparedPrompt(string Text, IReadOnlyList<int> TokenIds, IReadOnlyList<PreparedImage> Images);

/// <param name="Input">The crops' pixel values (CHW float32, normalised) and the positions the image fills.</param>
/// <param name="SourceHeight">Height of the decoded image (LLaVA-NeXT packs its features by it).</param>
/// <param name="SourceWidth">Width of the decoded image.</param>
/// <param name="Hash">Content hash of the decoded pixels (for the image and prefix caches).</param>
public sealed record PreparedImage(ImageInput Input, int SourceHeight, int SourceWidth, string Hash);
