using Llava.Engine.Prompting;
using Llava.Engine.Tokenization;
using Llava.Training.Data;

namespace Llava.Training.Text;

/// <summary>
/// Encodes a LLaVA record with the model's own chat template and tokenizer, marking only the assistant's tokens
/// (answer text and the end-of-turn token) as labels. Each answer's span is found by rendering the conversation up to
/// the generation prompt that precedes it — the very prompt the server builds at inference — so the model learns to
/// continue exactly what it will be given.
/// </summary>
public sealed class ConversationEncoder(LlavaTokenizer tokenizer, ChatTemplate template, int imageSeqLength)
{
    private readonly int _imageTokenId = tokenizer.ImageTokenId
        ?? throw new ArgumentException("the tokenizer has no <image> token", nameof(tokenizer));

    /// <exception cref="FormatException">The rendered turns do not tokenize as prefixes of the whole conversation.</exception>
    public EncodedConversation Encode(LlavaRecord record)
    {
        var messages = LlavaMessages.From(record);
        var ids = tokenizer.Encode(template.Render(messages, addGenerationPrompt: false));
        var labels = Enumerable.Repeat(EncodedConversation.Ignore, ids.Count).ToArray();
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i].Role != "assistant") continue;
            var prompt = tokenizer.Encode(template.Render(messages.Take(i).ToList(), addGenerationPrompt: true));
            var through = tokenizer.Encode(template.Render(messages.Take(i + 1).ToList(), addGenerationPrompt: false));
            if (!StartsWith(through, prompt) || !StartsWith(ids, through))
                throw new FormatException($"turn {i} does not tokenize as a prefix of the conversation, so its answer cannot be located");
            if (through.Count == prompt.Count)
                throw new FormatException($"turn {i} renders to no tokens");
            for (var t = prompt.Count; t < through.Count; t++)
                labels[t] = ids[t];
        }
        return Expand(ids, labels);
    }

    /// <summary>Plain text for language-model pretraining: every token after the first is a label.</summary>
    public EncodedConversation EncodeText(string text)
    {
        var ids = tokenizer.Encode(text).ToArray();
        return new EncodedConversation(ids, (int[])ids.Clone());
    }

    private EncodedConversation Expand(IReadOnlyList<int> ids, int[] labels)
    {
        var expandedIds = new List<int>(ids.Count + imageSeqLength);
        var expandedLabels = new List<int>(ids.Count + imageSeqLength);
        for (var t = 0; t < ids.Count; t++)
        {
            var copies = ids[t] == _imageTokenId ? imageSeqLength : 1;
            for (var c = 0; c < copies; c++)
            {
                expandedIds.Add(ids[t]);
                expandedLabels.Add(ids[t] == _imageTokenId ? EncodedConversation.Ignore : labels[t]);
            }
        }
        return new EncodedConversation([.. expandedIds], [.. expandedLabels]);
    }

    private static bool StartsWith(IReadOnlyList<int> sequence, IReadOnlyList<int> prefix)
    {
        if (prefix.Count > sequence.Count) return false;
        for (var i = 0; i < prefix.Count; i++)
        {
            if (sequence[i] != prefix[i]) return false;
        }
        return true;
    }
}
