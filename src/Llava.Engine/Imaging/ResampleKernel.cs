namespace Llava.Engine.Imaging;

/// <summary>
/// The convolution kernels of Pillow's libImaging/Resample.c. The arithmetic (operation order, float
/// constants promoted to double) follows Pillow's so the weights, and therefore the rounded pixels, agree.
/// </summary>
internal sealed class ResampleKernel
{
    private ResampleKernel(Func<double, double> weight, double support)
    {
        Weight = weight;
        Support = support;
    }

    public Func<double, double> Weight { get; }

    /// <summary>Half-width of the kernel in source pixels before antialias scaling.</summary>
    public double Support { get; }

    public static ResampleKernel For(ResampleFilter filter) => filter switch
    {
        ResampleFilter.Box => new ResampleKernel(BoxWeight, 0.5),
        ResampleFilter.Bilinear => new ResampleKernel(BilinearWeight, 1.0),
        ResampleFilter.Hamming => new ResampleKernel(HammingWeight, 1.0),
        ResampleFilter.Bicubic => new ResampleKernel(BicubicWeight, 2.0),
        ResampleFilter.Lanczos => new ResampleKernel(LanczosWeight, 3.0),
        _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "not a convolution filter"),
    };

    private static double BoxWeight(double x) => x > -0.5 && x <= 0.5 ? 1.0 : 0.0;

    private static double BilinearWeight(double x)
    {
        x = Math.Abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    private static double HammingWeight(double x)
    {
        x = Math.Abs(x);
        if (x == 0.0) return 1.0;
        if (x >= 1.0) return 0.0;
        x *= Math.PI;
        // Pillow writes these constants as C floats; their promoted double values are part of the result.
        return Math.Sin(x) / x * ((double)0.54f + (double)0.46f * Math.Cos(x));
    }

    private static double BicubicWeight(double x)
    {
        // Keys' cubic convolution with a = -0.5, written in Pillow's evaluation order.
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }

    private static double Sinc(double x)
    {
        if (x == 0.0) return 1.0;
        x *= Math.PI;
        return Math.Sin(x) / x;
    }

    private static double LanczosWeight(double x) => -3.0 <= x && x < 3.0 ? Sinc(x) * Sinc(x / 3) : 0.0;
}
