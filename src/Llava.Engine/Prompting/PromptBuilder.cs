using Llava.Engine.Generation;
using Llava.Engine.Imaging;
using Llava.Engine.Templating;
using Llava.Engine.Tokenization;

namespace Llava.Engine.Prompting;

/// <summary>
/// Where an image becomes tokens: renders the checkpoint's chat template, tokenizes the result, expands
/// each <c>&lt;image&gt;</c> id to one position per image feature, and preprocesses the images in the
/// same order. Runs on request threads, never on the engine thread.
/// </summary>
public sealed class PromptBuilder(
    LlavaTokenizer tokenizer,
    ChatTemplate template,
    ClipImageProcessor imageProcessor,
    int imageSeqLength,
    ImageLimits imageLimits)
{
    private readonly int _imageTokenId = tokenizer.ImageTokenId
        ?? throw new InvalidOperationException("the tokenizer has no <image> token");

    public ChatTemplate Template => template;

    /// <exception cref="PromptException">The messages cannot be served: the template refused them (its
    /// <c>raise_exception</c> message verbatim) or failed on them, or the images do not match the placeholders.</exception>
    public PreparedPrompt Build(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true)
    {
        string text;
        try
        {
            text = template.Render(messages, addGenerationPrompt);
        }
        catch (TemplateException e)
        {
            // The template was parsed at load time, so a failure now is about these messages; vLLM answers 400 too.
            throw new PromptException(e.RaisedByTemplate ? e.Reason : $"the chat template cannot render these messages: {e.Message}", "messages");
        }
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
            prepared.Add(new PreparedImage(
                imageProcessor.Preprocess(decoded), imageProcessor.OutputHeight, imageProcessor.OutputWidth,
                ImageHash.Compute(decoded)));
        }

        return new PreparedPrompt(text, Expand(ids), prepared);
    }

    private List<int> Expand(IReadOnlyList<int> ids)
    {
        var expanded = new List<int>(ids.Count + 8 * imageSeqLength);
        foreach (var id in ids)
        {
            if (id == _imageTokenId)
                expanded.AddRange(Enumerable.Repeat(id, imageSeqLength));
            else
                expanded.Add(id);
        }
        return expanded;
    }
}
