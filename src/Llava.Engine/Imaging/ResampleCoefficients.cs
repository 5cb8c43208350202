namespace Llava.Engine.Imaging;

/// <summary>
/// Source window and fixed-point weights for a run of output indices along one axis, computed as Pillow's
/// <c>precompute_coeffs</c> + <c>normalize_coeffs_8bpc</c> do: when shrinking, the kernel is stretched by the
/// scale factor (antialiasing); weights are normalised in double, then rounded to 22-bit fixed point.
/// </summary>
internal sealed class ResampleCoefficients
{
    /// <summary>Fractional bits of the weights: 32 bits minus 8 for the pixel value minus 2 for overshoot.</summary>
    public const int PrecisionBits = 32 - 8 - 2;

    private ResampleCoefficients(int kernelSize, int[] first, int[] count, int[] weights)
    {
        KernelSize = kernelSize;
        First = first;
        Count = count;
        Weights = weights;
    }

    /// <summary>Stride between the weight rows of consecutive output pixels.</summary>
    public int KernelSize { get; }

    /// <summary>First source index contributing to each output index of the run.</summary>
    public int[] First { get; }

    /// <summary>Number of source indices contributing to each output index of the run.</summary>
    public int[] Count { get; }

    /// <summary>Weights, <see cref="KernelSize"/> per output index, scaled by 2^<see cref="PrecisionBits"/>.</summary>
    public int[] Weights { get; }

    /// <summary>Coefficients for output indices <paramref name="outStart"/> .. <paramref name="outStart"/> + <paramref name="outCount"/> - 1 of a resize from <paramref name="inSize"/> to <paramref name="outSize"/>.</summary>
    public static ResampleCoefficients Compute(int inSize, int outSize, int outStart, int outCount, ResampleKernel kernel)
    {
        // Pillow passes the source extent as a float box; for whole-image resizes it is exactly inSize.
        double scale = (double)(float)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = kernel.Support * filterScale;
        int kernelSize = (int)Math.Ceiling(support) * 2 + 1;
        if ((long)outCount * kernelSize > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(outCount), $"resampling {inSize} -> {outSize} needs too many coefficients");

        var first = new int[outCount];
        var count = new int[outCount];
        var weights = new int[outCount * kernelSize];
        var row = new double[kernelSize];
        double inverseFilterScale = 1.0 / filterScale;
        for (int i = 0; i < outCount; i++)
        {
            double center = (outStart + i + 0.5) * scale;
            // C's (int) cast truncates toward zero; so does C#'s, which keeps the window edges identical.
            int min = Math.Max((int)(center - support + 0.5), 0);
            int max = Math.Min((int)(center + support + 0.5), inSize) - min;
            double total = 0.0;
            for (int x = 0; x < max; x++)
            {
                double w = kernel.Weight((x + min - center + 0.5) * inverseFilterScale);
                row[x] = w;
                total += w;
            }

            int offset = i * kernelSize;
            for (int x = 0; x < max; x++)
            {
                double normalized = total != 0.0 ? row[x] / total : row[x];
                weights[offset + x] = ToFixedPoint(normalized);
            }

            first[i] = min;
            count[i] = Math.Max(max, 0);
        }

        return new ResampleCoefficients(kernelSize, first, count, weights);
    }

    private static int ToFixedPoint(double weight)
    {
        double scaled = weight * (1 << PrecisionBits);
        return weight < 0 ? (int)(-0.5 + scaled) : (int)(0.5 + scaled);
    }
}
