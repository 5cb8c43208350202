using TorchSharp;
using static TorchSharp.torch;

namespace Llava.Model.Tensors;

/// <summary>
/// The host buffer every per-step index tensor (token ids, slots, positions, row selections) is written into, reused
/// across steps so a step allocates no host memory for them. On a CUDA device the buffer is pinned and each
/// <see cref="Upload"/> is one non-blocking copy that the device's stream orders before the kernels reading it; on
/// the CPU the returned tensor is the buffer region itself, with no copy. One code path for both: only
/// <see cref="Upload"/>'s last line and <see cref="Begin"/>'s wait tell them apart.
/// </summary>
/// <remarks>Not thread-safe: one owner, one thread.</remarks>
public sealed class StepIndexBuffer(Device device) : IDisposable
{
    private readonly bool _pinned = device.type == DeviceType.CUDA;
    private Tensor _host = empty(0, ScalarType.Int64).DetachFromDisposeScope();
    private long _used;

    /// <summary>
    /// Starts a step: the regions handed out before are reused. On a CUDA device it first waits for the device, so no
    /// copy still pending reads the new values; after a step that read its results back (every step that samples a
    /// token) there is nothing left to wait for.
    /// </summary>
    public void Begin()
    {
        if (_pinned) cuda.synchronize(device);
        _used = 0;
    }

    /// <summary>
    /// <paramref name="values"/> as an int64 tensor on the device, in the caller's dispose scope, valid until the next
    /// <see cref="Begin"/>.
    /// </summary>
    public Tensor Upload(ReadOnlySpan<long> values)
    {
        if (_used + values.Length > _host.shape[0]) Grow(_used + values.Length);
        var region = _host.narrow(0, _used, values.Length);
        // TorchSharp's accessor rejects an empty tensor (a step may upload nothing).
        if (values.Length > 0) region.data<long>().CopyFrom(values);
        _used += values.Length;
        return device.type == DeviceType.CPU ? region : region.to(device, non_blocking: _pinned);
    }

    /// <summary>
    /// A larger buffer. The old one is released, not reused: regions already handed out (CPU views, or the sources
    /// of copies still pending, which libtorch's pinned-memory allocator keeps until they complete) stay valid.
    /// </summary>
    private void Grow(long needed)
    {
        using var scope = NewDisposeScope();
        var buffer = empty(Math.Max(needed, 2 * _host.shape[0] + 1024), ScalarType.Int64);
        if (_pinned) buffer = buffer.pin_memory();
        _host.Dispose();
        _host = buffer.DetachFromDisposeScope();
        _used = 0;
    }

    public void Dispose() => _host.Dispose();
}
