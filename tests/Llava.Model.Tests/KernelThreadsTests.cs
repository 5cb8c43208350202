using System.Collections.Concurrent;
using Llava.Model.Layers;
using Llava.Model.Tensors;
using Llava.Model.Tests.Support;
using static TorchSharp.torch;

namespace Llava.Model.Tests;

/// <summary>
/// A hand-over runs libtorch on one thread and the managed kernels on the threads it had, as spinning workers
/// that run every part of a kernel call once, and gives them back; kernels compute the same bits either way.
/// </summary>
public sealed class KernelThreadsTests
{
    [Fact]
    public void AHandOverGivesTheKernelsLibtorchsThreadsAndRestoresThem()
    {
        WithLibtorchThreads(2, () =>
        {
            using (var handOver = KernelThreads.HandOver())
            {
                Assert.NotNull(handOver);
                Assert.Equal(1, get_num_threads());
                Assert.Equal(2, KernelThreads.Count);
                Assert.Null(KernelThreads.HandOver());
            }
            Assert.Equal(2, get_num_threads());
            Assert.Equal(2, KernelThreads.Count);

            set_num_threads(1);
            Assert.Null(KernelThreads.HandOver());
        });
    }

    [Fact]
    public void DuringAHandOverEveryPartRunsOnceAndOnTheSpinningWorker()
    {
        WithLibtorchThreads(2, () =>
        {
            using var handOver = KernelThreads.HandOver();
            for (var call = 0; call < 200; call++)
            {
                var threads = new ConcurrentDictionary<int, int>();
                var runs = new int[2];
                KernelThreads.For(2, part =>
                {
                    Interlocked.Increment(ref runs[part]);
                    threads[part] = Environment.CurrentManagedThreadId;
                });
                Assert.Equal([1, 1], runs);
                Assert.Equal(Environment.CurrentManagedThreadId, threads[0]);
                Assert.NotEqual(threads[0], threads[1]);
            }
        });
    }

    [Fact]
    public void AWorkersExceptionReachesTheCallerAndTheWorkersStayUsable()
    {
        WithLibtorchThreads(2, () =>
        {
            using var handOver = KernelThreads.HandOver();
            var error = Assert.Throws<AggregateException>(() => KernelThreads.For(2, part =>
            {
                if (part == 1) throw new InvalidOperationException("part 1 failed");
            }));
            Assert.IsType<InvalidOperationException>(error.InnerException);
            var ran = 0;
            KernelThreads.For(2, _ => Interlocked.Increment(ref ran));
            Assert.Equal(2, ran);
        });
    }

    /// <summary>
    /// libtorch's thread count is process-wide, so the second thread here sees the first one's hand-over; what the
    /// test holds is that neither waits on the other's workers: the one without them uses the thread pool.
    /// </summary>
    [Fact]
    public void TwoThreadsHandingOverAtOnceBothFinish()
    {
        WithLibtorchThreads(2, () =>
        {
            using var ready = new Barrier(2);
            var totals = new int[2];
            var callers = Enumerable.Range(0, 2).Select(caller => Task.Factory.StartNew(() =>
            {
                using var handOver = KernelThreads.HandOver();
                ready.SignalAndWait();
                for (var call = 0; call < 100; call++) KernelThreads.For(2, _ => Interlocked.Increment(ref totals[caller]));
            }, TaskCreationOptions.LongRunning)).ToArray();
            Assert.True(Task.WaitAll(callers, TimeSpan.FromMinutes(5)), "a caller did not finish");
            Assert.Equal([200, 200], totals);
        });
    }

    [Fact]
    public void TheKernelsGiveTheSameBitsOnSpinningWorkersAsOnTheThreadPool()
    {
        WithLibtorchThreads(2, () =>
        {
            using var scope = NewDisposeScope();
            manual_seed(17);
            var weight = randn(301, 259);
            var input = randn(3, 259);
            var pooled = FewRowMatmul.Linear(input, weight, null, threads: 2);
            using var handOver = KernelThreads.HandOver();
            Assert.True(TensorCompare.Identical(pooled, FewRowMatmul.Linear(input, weight, null, KernelThreads.Count)));
        });
    }

    private static void WithLibtorchThreads(int threads, Action test)
    {
        var before = get_num_threads();
        set_num_threads(threads);
        try
        {
            test();
        }
        finally
        {
            set_num_threads(before);
        }
    }
}
