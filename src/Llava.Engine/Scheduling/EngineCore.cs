using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Llava.Model;
using TorchSharp;

namespace Llava.Engine.Scheduling;

/// <summary>
/// The engine thread. It alone owns the model and the KV cache. Each iteration it retires cancelled
/// sequences, admits waiting ones while cache slots are free (FIFO), prefills them together, then runs
/// one batched decode step for every running sequence. Request threads only enqueue and read channels.
/// </summary>
internal sealed class EngineCore : IDisposable
{
    private readonly ModelRunner _runner;
    private readonly KvCache _cache;
    private readonly Channel<Sequence> _incoming;
    private readonly Queue<Sequence> _waiting = new();
    private readonly List<Sequence> _running = [];
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private readonly ILogger _logger;

    private readonly int _maxWaiting;
    private int _queued;
    private int _runningCount;
    private long _liveTensors;

    public EngineCore(LlavaForConditionalGeneration model, KvCache cache, int maxWaiting, ILogger logger)
    {
        _cache = cache;
        _runner = new ModelRunner(model, cache);
        _logger = logger;
        _maxWaiting = maxWaiting;
        _incoming = Channel.CreateUnbounded<Sequence>(new UnboundedChannelOptions { SingleReader = true });
        _thread = new Thread(Run) { IsBackground = true, Name = "llava-engine" };
        _thread.Start();
    }

    /// <summary>Sequences admitted and holding a cache slot.</summary>
    public int RunningCount => Volatile.Read(ref _runningCount);

    /// <summary>Sequences queued for a slot.</summary>
    public int WaitingCount => Volatile.Read(ref _queued);

    /// <summary>
    /// Tensors alive on the engine thread after the last step: the model's own parameters and the cache,
    /// nothing per request. Growth means a leak.
    /// </summary>
    public long LiveTensorCount => Volatile.Read(ref _liveTensors);

    /// <summary>False when <c>maxWaiting</c> sequences are already queued.</summary>
    public bool TrySubmit(Sequence sequence)
    {
        if (Interlocked.Increment(ref _queued) > _maxWaiting)
        {
            Interlocked.Decrement(ref _queued);
            return false;
        }
        _incoming.Writer.TryWrite(sequence);
        return true;
    }

    private void Run()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (_running.Count == 0 && _waiting.Count == 0 && !WaitForWork()) break;
                Step();
            }
            catch (Exception e)
            {
                // A failed forward cannot be attributed to one sequence: fail the batch, keep serving.
                _logger.LogError(e, "engine step failed; failing {Count} running sequences", _running.Count);
                foreach (var sequence in _running) Retire(sequence, e);
                _running.Clear();
            }
            PublishCounts();
        }
        foreach (var sequence in _running.Concat(_waiting)) sequence.Complete(new OperationCanceledException("engine stopped"));
    }

    private bool WaitForWork()
    {
        try
        {
            return _incoming.Reader.WaitToReadAsync(_stop.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Step()
    {
        while (_incoming.Reader.TryRead(out var sequence)) _waiting.Enqueue(sequence);
        RetireCancelled();

        var admitted = new List<Sequence>();
        while (_waiting.Count > 0 && _cache.FreeSlots > 0)
        {
            var sequence = _waiting.Dequeue();
            Interlocked.Decrement(ref _queued);
            sequence.Slot = _cache.AllocateSlot();
            admitted.Add(sequence);
        }
        var decoding = _running.ToList();
        _running.AddRange(admitted);
        PublishCounts();

        if (admitted.Count > 0)
        {
            var rows = _runner.Prefill(admitted);
            for (var i = 0; i < admitted.Count; i++) admitted[i].Advance(rows[i]);
        }
        if (decoding.Count > 0)
        {
            var rows = _runner.Decode(decoding);
            for (var i = 0; i < decoding.Count; i++) decoding[i].Advance(rows[i]);
        }

        for (var i = _running.Count - 1; i >= 0; i--)
        {
            if (_running[i].Finished) Retire(_running[i], null);
        }
        _running.RemoveAll(s => s.Slot < 0);
    }

    private void RetireCancelled()
    {
        foreach (var sequence in _running.Where(s => s.IsCancelled)) Retire(sequence, new OperationCanceledException());
        _running.RemoveAll(s => s.Slot < 0);
        if (_waiting.Any(s => s.IsCancelled))
        {
            var keep = _waiting.Where(s => !s.IsCancelled).ToList();
            foreach (var sequence in _waiting.Where(s => s.IsCancelled))
            {
                sequence.Complete(new OperationCanceledException());
                Interlocked.Decrement(ref _queued);
            }
            _waiting.Clear();
            foreach (var sequence in keep) _waiting.Enqueue(sequence);
        }
    }

    private void Retire(Sequence sequence, Exception? error)
    {
        sequence.Complete(error);
        if (sequence.Slot >= 0)
        {
            _cache.FreeSlot(sequence.Slot);
            sequence.Slot = -1;
        }
    }

    private void PublishCounts()
    {
        Volatile.Write(ref _runningCount, _running.Count);
        Volatile.Write(ref _liveTensors, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }
}
