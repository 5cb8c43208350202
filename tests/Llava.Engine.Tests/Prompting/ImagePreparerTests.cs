using Llava.Engine.Generation;
using Llava.Engine.Imaging;
using Llava.Engine.Prompting;

namespace Llava.Engine.Tests.Prompting;

/// <summary>A burst of images is decoded a bounded number at a time; the rest wait their turn.</summary>
public class ImagePreparerTests
{
    [Fact]
    public async Task AtMostTheConcurrencyBoundDecodeAtOnce()
    {
        const int bound = 2;
        const int burst = 6;
        using var release = new ManualResetEventSlim();
        var inside = 0;
        var peak = 0;
        ImagePreparer preparer = null!;
        preparer = new ImagePreparer(_ =>
        {
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref peak, now);
            release.Wait();
            Interlocked.Decrement(ref inside);
            return new PreparedImage(new ImageInput([], 1, 1, 1, 1), 1, 1, "hash");
        }, bound);

        var decodes = Enumerable.Range(0, burst)
            .Select(_ => Task.Run(() => preparer.PrepareAsync(new byte[1], CancellationToken.None)))
            .ToList();

        // Every image has either started decoding or is waiting for a slot: no more can start until one ends.
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref inside) + preparer.Waiting == burst, TimeSpan.FromMinutes(1)),
            $"{Volatile.Read(ref inside)} decoding and {preparer.Waiting} waiting of {burst}");
        Assert.Equal(bound, Volatile.Read(ref inside));
        Assert.Equal(bound, preparer.Active);

        release.Set();
        await Task.WhenAll(decodes);
        Assert.Equal(bound, peak);
        Assert.Equal(0, preparer.Active);
        Assert.Equal(0, preparer.Waiting);
    }

    [Fact]
    public async Task AFailedDecodeFreesItsSlot()
    {
        var preparer = new ImagePreparer(_ => throw new InvalidDataException("corrupt"), 1);
        await Assert.ThrowsAsync<InvalidDataException>(() => preparer.PrepareAsync(new byte[1], CancellationToken.None));
        await Assert.ThrowsAsync<InvalidDataException>(() => preparer.PrepareAsync(new byte[1], CancellationToken.None));
        Assert.Equal(0, preparer.Active);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) is var seen && seen != current)
            current = seen;
    }
}
