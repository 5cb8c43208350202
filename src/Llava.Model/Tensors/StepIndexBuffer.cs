using TorchSharp;
using static TorchSharp.torch;

namespace Llava.Model.Tensors;

/// <summary>
/// The host buffer every per-step index tensor (token ids, slots, positions, row selections) is written into, reused
/// across steps so a step allocates no host memory for them. On a CUDA device the buffer is pinned and each
/// <see cref="Upload"/> is one non-blocking copy that the device's stream orders before the kernels reading it; on
/// the CPU the returned tensor is the buffer region itself, with no copy. One code path for both: only
/// <see cref="Upload"/>'s last line tells them apart.
/// </summary>
/// <remarks>
/// Regions handed out since the last <see cref="Begin"/> are never overwritten. <see cref="Begin"/> reuses them, so
/// the caller must have waited for the device since (an engine step does: it reads its results back), or a pending
/// copy could read the next step's values. Not thread-safe: one owner, one thread.
/// </remarks>
public sealed class StepIndexBuffer(Device device) : IDisposable
{
    private readonly bool _copies = device.type != DeviceType.CPU;
    private Tensor _host = empty(0, ScalarType.Int64).DetachFromDisposeScope();
    private long _used;

    /// <summary>Starts a step: the regions handed out before may be reused (see the remarks).</summary>
    public void Begin() => _used = 0;

    /// <summary>
    /// <paramref name="values"/> as an int64 tensor on the device, in the caller's dispose scope, valid until the
    /// <see cref="Begin"/> after the caller last waited for the device.
    /// </summary>
    public Tensor Upload(ReadOnlySpan<long> values)
    {
        if (_used + values.Length > _host.shape[0]) Grow(_used + values.Length);
        var region = _host.narrow(0, _used, values.Length);
        // TorchSharp's accessor rejects an empty tensor (a step may upload nothing).
        if (values.Length > 0) region.data<long>().CopyFrom(values);
        _used += values.Length;
        return _copies ? region.to(device, non_blocking: true) : region;
    }

    /// <summary>
    /// A larger buffer. The old one is released, not reused: regions already handed out (CPU views, or the sources
    /// of copies still pending, which libtorch's pinned-memory allocator keeps until they complete) stay valid.
    /// </summary>
    private void Grow(long needed)
    {
        using var scope = NewDisposeScope();
        var buffer = empty(Math.Max(needed, 2 * _host.shape[0] + 1024), ScalarType.Int64);
        if (_copies) buffer = buffer.pin_memory();
        _host.Dispose();
        _host = buffer.DetachFromDisposeScope();
        _used = 0;
    }

    public void Dispose() => _host.Dispose();
}
