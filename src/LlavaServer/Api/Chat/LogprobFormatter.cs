using System.Text;
using Llava.Engine.Sampling;
using Llava.Engine.Tokenization;
using LlavaServer.Api.Contracts;

namespace LlavaServer.Api.Chat;

/// <summary>
/// OpenAI's <c>logprobs.content[]</c> entries: a token's text is its UTF-8 bytes decoded (SentencePiece's
/// ▁ is already a space there); a lone byte token that is not valid UTF-8 by itself keeps its piece name,
/// and <c>bytes</c> always carries the exact bytes.
/// </summary>
internal sealed class LogprobFormatter(LlavaTokenizer tokenizer)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public ContentLogprob Format(StepLogprobs step)
    {
        var (token, bytes) = Describe(step.Chosen.TokenId);
        var top = step.Top.Select(t =>
        {
            var (text, topBytes) = Describe(t.TokenId);
            return new TopLogprob(text, t.Logprob, topBytes);
        }).ToList();
        return new ContentLogprob(token, step.Chosen.Logprob, bytes, top);
    }

    private (string Text, int[] Bytes) Describe(int tokenId)
    {
        // The model's output rows can outnumber the tokenizer's entries (padding rows); such ids have no text.
        if ((uint)tokenId >= (uint)tokenizer.VocabularySize) return ("", []);
        var bytes = tokenizer.TokenBytes(tokenId);
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            text = tokenizer.TokenText(tokenId);
        }
        return (text, Array.ConvertAll(bytes, b => (int)b));
    }
}
