namespace Llava.Model.Tensors;

/// <summary>
/// Threads that busy-wait for kernel work while a step runs, so that handing a kernel's parts to them costs a
/// memory write instead of a wake-up. A decode step calls the managed kernels about five times per layer with
/// libtorch's small ops in between; long enough for thread-pool workers to go to sleep, so with
/// <c>Parallel.For</c> every call paid for waking one (tens of microseconds in a virtual machine: about 2 ms of a
/// 7 ms step, measured with perf on the 2-core AMD EPYC as thread-pool spinning and sched_yield). The workers spin
/// only between <see cref="Acquire"/> and <see cref="Release"/> (one step) and block otherwise. One process-wide
/// set serves one step at a time; a second thread that asks meanwhile gets none and uses the thread pool.
/// </summary>
internal sealed class SpinningWorkers
{
    private static readonly object Gate = new();
    private static SpinningWorkers? s_shared;

    private readonly List<SemaphoreSlim> _wake = [];
    private volatile bool _active;
    private long _generation;
    private int _pending;
    private int _parts;
    private Action<int>? _body;
    private Exception? _error;

    private SpinningWorkers()
    {
    }

    /// <summary>Workers that run parts 1 .. <see cref="Count"/> of a <see cref="Run"/>.</summary>
    public int Count => _wake.Count;

    /// <summary>
    /// The shared workers, at least <paramref name="count"/> of them, spinning until <see cref="Release"/> on this
    /// thread; null while another thread holds them.
    /// </summary>
    public static SpinningWorkers? Acquire(int count)
    {
        if (!Monitor.TryEnter(Gate)) return null;
        var workers = s_shared ??= new SpinningWorkers();
        while (workers.Count < count) workers.AddWorker();
        workers._active = true;
        foreach (var wake in workers._wake) wake.Release();
        return workers;
    }

    /// <summary>Sends the workers back to blocking and lets another thread acquire them.</summary>
    public void Release()
    {
        _active = false;
        Monitor.Exit(Gate);
    }

    /// <summary><paramref name="body"/>(0 .. parts − 1), part 0 on the calling thread; at most <see cref="Count"/> + 1 parts.</summary>
    public void Run(int parts, Action<int> body)
    {
        _body = body;
        _parts = parts;
        _error = null;
        Volatile.Write(ref _pending, parts - 1);
        Interlocked.Increment(ref _generation);
        try
        {
            body(0);
        }
        finally
        {
            while (Volatile.Read(ref _pending) > 0) Thread.SpinWait(1);
            _body = null;
        }
        if (_error is { } error) throw new AggregateException(error);
    }

    private void AddWorker()
    {
        var wake = new SemaphoreSlim(0);
        var part = _wake.Count + 1;
        _wake.Add(wake);
        // Read here, before any Run can start, so that a thread that starts late still sees the first one as new.
        var seen = Interlocked.Read(ref _generation);
        new Thread(() => Loop(wake, part, seen)) { IsBackground = true, Name = $"kernel worker {part}" }.Start();
    }

    private void Loop(SemaphoreSlim wake, int part, long seen)
    {
        while (true)
        {
            wake.Wait();
            while (_active)
            {
                var generation = Interlocked.Read(ref _generation);
                if (generation == seen)
                {
                    Thread.SpinWait(1);
                    continue;
                }
                seen = generation;
                if (part >= _parts) continue;
                try
                {
                    _body!(part);
                }
                catch (Exception e)
                {
                    _error = e;
                }
                Interlocked.Decrement(ref _pending);
            }
        }
    }
}
