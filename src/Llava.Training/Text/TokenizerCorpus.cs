using Llava.Engine.Prompting;
using Llava.Training.Data;

namespace Llava.Training.Text;

/// <summary>
/// The text a SentencePiece model for these conversations should be trained on: each conversation rendered with the
/// chat template, cut where the tokenizer cuts it (at special tokens, which are matched verbatim, and at newlines,
/// which SentencePiece training treats as sentence breaks), each piece with the leading space the Llama tokenizer's
/// legacy mode gives every segment. Trained without a dummy prefix, SentencePiece then learns the pieces the
/// tokenizer will actually meet, e.g. "What" right after an image's newline and "▁What" inside a sentence.
/// </summary>
public static class TokenizerCorpus
{
    private static readonly string[] Specials = [LlavaTurn.ImagePlaceholder, "<s>", "</s>"];

    public static IEnumerable<string> Lines(ChatTemplate template, LlavaRecord record)
    {
        var text = template.Render(LlavaMessages.From(record), addGenerationPrompt: false);
        foreach (var segment in text.Split(Specials, StringSplitOptions.None))
        {
            if (segment.Length == 0) continue;
            var pieces = (" " + segment).Split('\n');
            foreach (var piece in pieces)
            {
                if (piece.Length > 0) yield return piece;
            }
        }
    }
}
