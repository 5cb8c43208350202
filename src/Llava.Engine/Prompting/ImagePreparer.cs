using Llava.Engine.Generation;
using Llava.Engine.Imaging;

namespace Llava.Engine.Prompting;

/// <summary>
/// Decodes, preprocesses and hashes request images, at most <c>concurrency</c> at a time. One decode briefly
/// holds about 7 bytes per source pixel (<see cref="ImageLimits"/>), so a burst of large images waits here
/// instead of allocating gigabytes at once; decoding is single-threaded CPU work, so more decodes at once
/// than cores would only add memory, not speed.
/// </summary>
public sealed class ImagePreparer
{
    private readonly Func<ReadOnlyMemory<byte>, PreparedImage> _prepare;
    private readonly SemaphoreSlim _slots;
    private int _active;
    private int _waiting;

    public ImagePreparer(IImageInputProcessor processor, ImageLimits limits, int concurrency)
        : this(encoded => Prepare(processor, limits, encoded), concurrency)
    {
    }

    /// <param name="prepare">What one slot runs; tests substitute a decoder that waits on them.</param>
    internal ImagePreparer(Func<ReadOnlyMemory<byte>, PreparedImage> prepare, int concurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        _prepare = prepare;
        _slots = new SemaphoreSlim(concurrency, concurrency);
    }

    /// <summary>Images being decoded or preprocessed now.</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>Images waiting for a slot.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <exception cref="ImageDecodeException">The data is not an image within the limits.</exception>
    public async Task<PreparedImage> PrepareAsync(ReadOnlyMemory<byte> encoded, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        Interlocked.Increment(ref _active);
        try
        {
            return _prepare(encoded);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
            _slots.Release();
        }
    }

    private static PreparedImage Prepare(IImageInputProcessor processor, ImageLimits limits, ReadOnlyMemory<byte> encoded)
    {
        var decoded = ImageDecoder.Decode(encoded.Span, limits);
        return new PreparedImage(processor.Process(decoded), decoded.Height, decoded.Width, ImageHash.Compute(decoded));
    }
}
