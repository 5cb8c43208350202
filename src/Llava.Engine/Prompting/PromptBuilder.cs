using Llava.Engine.Generation;
using Llava.Engine.Imaging;
using Llava.Engine.Tokenization;

namespace Llava.Engine.Prompting;

/// <summary>
/// Where an image becomes tokens: renders the checkpoint's chat template, tokenizes the result, preprocesses
/// the images in placeholder order and expands each <c>&lt;image&gt;</c> id to one position per feature row of
/// that image. Runs on request threads, never on the engine thread.
/// </summary>
public sealed class PromptBuilder(
    LlavaTokenizer tokenizer,
    ChatTemplate template,
    IImageInputProcessor imageProcessor,
    ImageLimits imageLimits)
{
    /// <summary>A LLaVA-1.5 builder: every image is one CLIP crop of <paramref name="imageSeqLength"/> positions.</summary>
    public PromptBuilder(LlavaTokenizer tokenizer, ChatTemplate template, ClipImageProcessor imageProcessor,
        int imageSeqLength, ImageLimits imageLimits)
        : this(tokenizer, template, new ClipImageInput(imageProcessor, imageSeqLength), imageLimits)
    {
    }

    private readonly int _imageTokenId = tokenizer.ImageTokenId
        ?? throw new InvalidOperationException("the tokenizer has no <image> token");

    public PreparedPrompt Build(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true)
    {
        var text = template.Render(messages, addGenerationPrompt);
        var images = messages.SelectMany(m => m.Images).Select(i => i.Data).ToList();
        return BuildFromText(text, images, addSpecialTokens: true);
    }

    /// <summary>A raw prompt (already templated) whose <c>&lt;image&gt;</c> markers match <paramref name="images"/>.</summary>
    public PreparedPrompt BuildFromText(string text, IReadOnlyList<ReadOnlyMemory<byte>> images, bool addSpecialTokens)
    {
        var ids = tokenizer.Encode(text, addSpecialTokens);
        var placeholders = ids.Count(id => id == _imageTokenId);
        if (placeholders != images.Count)
        {
            throw new PromptException(
                $"the prompt has {placeholders} image placeholder(s) but {images.Count} image(s) were given", "messages");
        }

        var prepared = new List<PreparedImage>(images.Count);
        for (var i = 0; i < images.Count; i++)
        {
            DecodedImage decoded;
            try
            {
                decoded = ImageDecoder.Decode(images[i].Span, imageLimits);
            }
            catch (ImageDecodeException e)
            {
                throw new PromptException($"image {i + 1}: {e.Message}", "messages");
            }
            prepared.Add(new PreparedImage(imageProcessor.Process(decoded), decoded.Height, decoded.Width, ImageHash.Compute(decoded)));
        }

        return new PreparedPrompt(text, Expand(ids, prepared), prepared);
    }

    private List<int> Expand(IReadOnlyList<int> ids, IReadOnlyList<PreparedImage> images)
    {
        var expanded = new List<int>(ids.Count + images.Sum(i => i.Input.Positions));
        var image = 0;
        foreach (var id in ids)
        {
            if (id == _imageTokenId)
                expanded.AddRange(Enumerable.Repeat(id, images[image++].Input.Positions));
            else
                expanded.Add(id);
        }
        return expanded;
    }
}
