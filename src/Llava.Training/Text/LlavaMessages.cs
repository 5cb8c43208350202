using Llava.Engine.Prompting;
using Llava.Training.Data;

namespace Llava.Training.Text;

/// <summary>
/// Turns LLaVA data turns into the chat messages the server's template renders. As in LLaVA's own preprocessing, the
/// <c>&lt;image&gt;</c> placeholder is taken out of the question and the image put first, so training prompts are
/// exactly what a chat request with an image part produces at inference.
/// </summary>
public static class LlavaMessages
{
    private static readonly ReadOnlyMemory<byte> NoBytes = ReadOnlyMemory<byte>.Empty;

    public static IReadOnlyList<ChatMessage> From(LlavaRecord record)
    {
        var messages = new List<ChatMessage>(record.Conversations.Count);
        foreach (var turn in record.Conversations)
        {
            if (turn.From == LlavaTurn.Gpt)
            {
                messages.Add(new ChatMessage("assistant", turn.Value));
                continue;
            }
            if (!turn.Value.Contains(LlavaTurn.ImagePlaceholder, StringComparison.Ordinal))
            {
                messages.Add(new ChatMessage("user", turn.Value));
                continue;
            }
            var text = turn.Value.Replace(LlavaTurn.ImagePlaceholder, "", StringComparison.Ordinal).Trim();
            messages.Add(new ChatMessage("user", [new ImagePart(NoBytes), new TextPart(text)]));
        }
        return messages;
    }
}
