using static TorchSharp.torch;

namespace Llava.Model.Tensors;

/// <summary>
/// The threads the managed kernels (<c>FewRowMatmul</c>, <c>DecodeAttention</c>) split their work over: libtorch's
/// intra-op thread count, or during a <see cref="HandOver"/> the count libtorch had before it.
/// </summary>
/// <remarks>
/// In a step whose matmuls and attention all run in the managed kernels, libtorch is left with the small ops
/// between them (norms, rotary, residual adds, the cache writes), each too small to gain from a second thread.
/// Its OpenMP workers then only cost: after each parallel region they spin for the next one on the core the
/// kernels' own worker needs. So such a step runs libtorch on one thread and gives the kernels all of them, as
/// <see cref="SpinningWorkers"/> that wait for each kernel call without going to sleep.
/// </remarks>
public sealed class KernelThreads : IDisposable
{
    [ThreadStatic] private static int t_handedOver;
    [ThreadStatic] private static SpinningWorkers? t_workers;

    private readonly int _previous;
    private readonly SpinningWorkers? _workers;

    private KernelThreads(int previous)
    {
        _previous = previous;
        t_handedOver = previous;
        set_num_threads(1);
        _workers = t_workers = SpinningWorkers.Acquire(previous - 1);
    }

    /// <summary>Threads for a managed kernel called on this thread now.</summary>
    public static int Count => t_handedOver > 0 ? t_handedOver : get_num_threads();

    /// <summary>
    /// <paramref name="body"/>(0 .. parts − 1) in parallel: during a hand-over on its spinning workers, otherwise
    /// on the thread pool.
    /// </summary>
    public static void For(int parts, Action<int> body)
    {
        if (parts == 1) body(0);
        else if (t_workers is { } workers && parts <= workers.Count + 1) workers.Run(parts, body);
        else Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, body);
    }

    /// <summary>Runs libtorch on one thread until disposed, the kernels on as many as it had (null if it had one, or a hand-over is already on).</summary>
    public static KernelThreads? HandOver()
    {
        if (t_handedOver > 0) return null;
        var threads = get_num_threads();
        return threads > 1 ? new KernelThreads(threads) : null;
    }

    public void Dispose()
    {
        _workers?.Release();
        t_workers = null;
        set_num_threads(_previous);
        t_handedOver = 0;
    }
}
