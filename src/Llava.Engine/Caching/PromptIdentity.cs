using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Llava.Engine.Generation;
using Llava.Engine.Prompting;

namespace Llava.Engine.Caching;

/// <summary>
/// What each prompt position is, as far as reusing keys and values goes: the token id for text, and for every
/// position of an image a value derived from that image's content hash. Two prompts that share token ids but
/// differ in an image therefore never share a prefix past the image's first position.
/// </summary>
internal sealed class PromptIdentity
{
    private PromptIdentity(long[] keys, int[] imageStarts)
    {
        Keys = keys;
        ImageStarts = imageStarts;
    }

    /// <summary>One key per prompt position; text keys are the (non-negative) token ids, image keys are negative.</summary>
    public long[] Keys { get; }

    /// <summary>The first position of each image, in the order of the prompt's images.</summary>
    public int[] ImageStarts { get; }

    /// <exception cref="PromptException">The image positions do not match the images (a hand-built prompt).</exception>
    public static PromptIdentity For(PreparedPrompt prompt, int imageTokenId)
    {
        var ids = prompt.TokenIds;
        var keys = new long[ids.Count];
        var starts = new List<int>(prompt.Images.Count);
        var position = 0;
        while (position < ids.Count)
        {
            if (ids[position] != imageTokenId)
            {
                keys[position] = ids[position];
                position++;
                continue;
            }
            var image = starts.Count;
            if (image >= prompt.Images.Count)
                throw MismatchedImages(prompt, imageTokenId);
            var imageSeqLength = prompt.Images[image].Input.Positions;
            if (position + imageSeqLength > ids.Count
                || !Enumerable.Range(position, imageSeqLength).All(p => ids[p] == imageTokenId))
                throw MismatchedImages(prompt, imageTokenId);
            var key = ImageKey(prompt.Images[image].Hash);
            Array.Fill(keys, key, position, imageSeqLength);
            starts.Add(position);
            position += imageSeqLength;
        }
        if (starts.Count != prompt.Images.Count) throw MismatchedImages(prompt, imageTokenId);
        return new PromptIdentity(keys, [.. starts]);
    }

    /// <summary>
    /// 64 bits of SHA-256 over the image hash, with the sign bit set so it never equals a token id. Forging another
    /// image's key would take a second preimage of SHA-256 truncated to 63 bits.
    /// </summary>
    private static long ImageKey(string hash)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(hash), digest);
        return BinaryPrimitives.ReadInt64LittleEndian(digest) | long.MinValue;
    }

    private static PromptException MismatchedImages(PreparedPrompt prompt, int imageTokenId) =>
        new($"the prompt's image positions (token {imageTokenId}) do not form {prompt.Images.Count} run(s) of " +
            $"[{string.Join(", ", prompt.Images.Select(i => i.Input.Positions))}] positions, one per image", "messages");
}
