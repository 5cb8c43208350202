using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Llava.Engine.Generation;
using Llava.Engine.Prompting;

namespace Llava.Engine.Caching;

/// <summary>
/// What each prompt position is, as far as reusing keys and values goes: the token id for text, and for every
/// position of an image a value derived from that image's content hash. Two prompts that share token ids but
/// differ in an image therefore never share a prefix past the image's first position. A salted prompt's first key
/// is mixed with its salt, as vLLM salts the first block hash: prompts with different salts share no prefix at all.
/// </summary>
internal sealed class PromptIdentity
{
    private PromptIdentity(long[] keys, int[] imageStarts, string[] imageCacheKeys)
    {
        Keys = keys;
        ImageStarts = imageStarts;
        ImageCacheKeys = imageCacheKeys;
    }

    /// <summary>
    /// One key per prompt position; text keys are the (non-negative) token ids, image keys and a salted first key
    /// are negative.
    /// </summary>
    public long[] Keys { get; }

    /// <summary>The first position of each image, in the order of the prompt's images.</summary>
    public int[] ImageStarts { get; }

    /// <summary>Each image's key in the image-feature cache: its content hash, scoped by the salt when there is one.</summary>
    public string[] ImageCacheKeys { get; }

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
            var key = NegativeKey(prompt.Images[image].Hash);
            Array.Fill(keys, key, position, imageSeqLength);
            starts.Add(position);
            position += imageSeqLength;
        }
        if (starts.Count != prompt.Images.Count) throw MismatchedImages(prompt, imageTokenId);

        if (prompt.CacheSalt is not { } salt) return new PromptIdentity(keys, [.. starts], prompt.Images.Select(i => i.Hash).ToArray());
        var scope = Convert.ToHexString(Digest(salt));
        if (keys.Length > 0) keys[0] = NegativeKey($"{scope}\n{keys[0]}");
        return new PromptIdentity(keys, [.. starts], prompt.Images.Select(i => $"{scope}\n{i.Hash}").ToArray());
    }

    /// <summary>
    /// 64 bits of SHA-256 over <paramref name="text"/> (an image hash, or a salt scope and the first key), with the
    /// sign bit set so it never equals a token id. Forging another image's or salt's key would take a second
    /// preimage of SHA-256 truncated to 63 bits.
    /// </summary>
    private static long NegativeKey(string text) => BinaryPrimitives.ReadInt64LittleEndian(Digest(text)) | long.MinValue;

    private static byte[] Digest(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));

    private static PromptException MismatchedImages(PreparedPrompt prompt, int imageTokenId) =>
        new($"the prompt's image positions (token {imageTokenId}) do not form {prompt.Images.Count} run(s) of " +
            $"[{string.Join(", ", prompt.Images.Select(i => i.Input.Positions))}] positions, one per image", "messages");
}
