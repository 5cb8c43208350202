using Llava.Engine.Generation;
using Llava.Engine.Imaging;
using Llava.Engine.Templating;
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
    ImageLimits imageLimits,
    int maxModelLength,
    int imageDecodeConcurrency)
{
    /// <summary>A LLaVA-1.5 builder: every image is one CLIP crop of <paramref name="imageSeqLength"/> positions.</summary>
    public PromptBuilder(LlavaTokenizer tokenizer, ChatTemplate template, ClipImageProcessor imageProcessor,
        int imageSeqLength, ImageLimits imageLimits, int maxModelLength, int imageDecodeConcurrency)
        : this(tokenizer, template, new ClipImageInput(imageProcessor, imageSeqLength), imageLimits, maxModelLength, imageDecodeConcurrency)
    {
    }

    private readonly int _imageTokenId = tokenizer.ImageTokenId
        ?? throw new InvalidOperationException("the tokenizer has no <image> token");

    private readonly ImagePreparer _images = new(imageProcessor, imageLimits, imageDecodeConcurrency);

    public ChatTemplate Template => template;

    /// <summary>
    /// The longest text that could fit in the context. Longer text is refused before it is tokenized, so the
    /// cost of a hostile prompt is bounded by the context, not by the request body.
    /// </summary>
    public long MaxPromptCharacters { get; } = (long)tokenizer.MaxCharactersPerToken * maxModelLength;

    /// <summary>
    /// <see cref="BuildAsync"/> for callers that serve one prompt at a time (command line, warm-up, evaluation):
    /// they have nothing else to do while an image waits for a decode slot.
    /// </summary>
    public PreparedPrompt Build(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true) =>
        BuildAsync(messages, addGenerationPrompt).GetAwaiter().GetResult();

    /// <exception cref="PromptException">The text cannot fit, the template refused the messages (its
    /// <c>raise_exception</c> message verbatim) or failed on them, the placeholders and images disagree, or an image
    /// is refused.</exception>
    public Task<PreparedPrompt> BuildAsync(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true,
        CancellationToken cancellationToken = default) =>
        BuildAsync(messages, new ChatRenderOptions(addGenerationPrompt), cancellationToken);

    /// <summary><see cref="BuildAsync(IReadOnlyList{ChatMessage}, bool, CancellationToken)"/> with every rendering option.</summary>
    /// <exception cref="PromptException">As for the other overload, or the final message cannot be continued.</exception>
    public async Task<PreparedPrompt> BuildAsync(IReadOnlyList<ChatMessage> messages, ChatRenderOptions options,
        CancellationToken cancellationToken = default)
    {
        EnsureFits(messages.Sum(TextLength), "messages");
        string text;
        try
        {
            text = template.Render(messages, options);
        }
        catch (TemplateException e)
        {
            // The template was parsed at load time, so a failure now is about these messages; vLLM answers 400 too.
            throw new PromptException(e.RaisedByTemplate ? e.Reason : $"the chat template cannot render these messages: {e.Message}", "messages");
        }
        var ids = Encode(text, addSpecialTokens: true, "messages");
        var images = messages.SelectMany(m => m.Images).Select(i => i.Data).ToList();
        var placeholders = ids.Count(id => id == _imageTokenId);
        if (placeholders != images.Count)
        {
            throw new PromptException(
                $"the prompt has {placeholders} image placeholder(s) but {images.Count} image(s) were given", "messages");
        }

        var prepared = new List<PreparedImage>(images.Count);
        for (var i = 0; i < images.Count; i++)
        {
            try
            {
                prepared.Add(await _images.PrepareAsync(images[i], cancellationToken).ConfigureAwait(false));
            }
            catch (ImageDecodeException e)
            {
                throw new PromptException($"image {i + 1}: {e.Message}", "messages");
            }
        }

        return new PreparedPrompt(text, Expand(ids, prepared), prepared);
    }

    /// <summary>The token ids of a raw prompt (vLLM's <c>/tokenize</c> with a prompt), refused unread when it cannot fit.</summary>
    /// <exception cref="PromptException">The text is longer than <see cref="MaxPromptCharacters"/>.</exception>
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens, string param)
    {
        EnsureFits(text.Length, param);
        return tokenizer.Encode(text, addSpecialTokens);
    }

    private void EnsureFits(long characters, string param)
    {
        if (characters <= MaxPromptCharacters)
            return;
        throw new PromptException(
            $"This model's maximum context length is {maxModelLength} tokens, and no text longer than {MaxPromptCharacters} characters fits in it; this request has {characters} characters. Please reduce the length of the {param}.",
            param, PromptProblem.TooLong);
    }

    private static long TextLength(ChatMessage message) =>
        message.Text?.Length ?? message.Parts?.OfType<TextPart>().Sum(p => (long)p.Text.Length) ?? 0;

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
