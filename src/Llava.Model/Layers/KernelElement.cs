using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static TorchSharp.torch;

namespace Llava.Model.Layers;

/// <summary>
/// How the managed kernels read and write the dtype a model computes in. They always multiply and add in float32;
/// bfloat16 is widened on load (exact) and rounded to nearest even on store, as libtorch's bfloat16 kernels do, so a
/// bfloat16 model streams half the bytes of weights and KV cache through the same loops.
/// </summary>
internal unsafe interface IKernelElement
{
    static abstract TVector Load<TLanes, TVector>(void* source, long index) where TLanes : ILanes<TVector> where TVector : struct;
    static abstract float Read(void* source, long index);
    static abstract void Write(void* destination, long index, float value);
    /// <summary><paramref name="value"/> rounded to this dtype and back, as a cast to it and back to float32 gives.</summary>
    static abstract float Round(float value);
}

internal readonly unsafe struct Float32Element : IKernelElement
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Load<TLanes, TVector>(void* source, long index) where TLanes : ILanes<TVector> where TVector : struct =>
        TLanes.Load((float*)source + index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Read(void* source, long index) => ((float*)source)[index];
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Write(void* destination, long index, float value) => ((float*)destination)[index] = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Round(float value) => value;
}

internal readonly unsafe struct BFloat16Element : IKernelElement
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Load<TLanes, TVector>(void* source, long index) where TLanes : ILanes<TVector> where TVector : struct =>
        TLanes.LoadBFloat16((ushort*)source + index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Read(void* source, long index) => BitConverter.UInt32BitsToSingle((uint)((ushort*)source)[index] << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(void* destination, long index, float value) => ((ushort*)destination)[index] = ToBits(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Round(float value) => BitConverter.UInt32BitsToSingle((uint)ToBits(value) << 16);

    /// <summary>Round to nearest, ties to even, NaN kept quiet: c10::BFloat16's conversion.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ushort ToBits(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return 0x7FC0;
        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }
}

/// <summary>A kernel's loop over its work items, written once for every vector width and element type.</summary>
internal interface IKernelLoop
{
    void Run<TLanes, TVector, TElement>(int from, int to)
        where TLanes : ILanes<TVector> where TVector : struct where TElement : IKernelElement;
}

/// <summary>The element types the kernels take, and the choice of loop for this CPU and dtype.</summary>
internal static class KernelElements
{
    public static bool Takes(ScalarType dtype) => dtype is ScalarType.Float32 or ScalarType.BFloat16;

    /// <summary>Items <c>[from, to)</c> of <paramref name="loop"/> with the widest vectors this CPU runs in hardware.</summary>
    public static void Run<TLoop>(in TLoop loop, bool bfloat16, int from, int to) where TLoop : struct, IKernelLoop
    {
        if (bfloat16)
        {
            if (Vector512.IsHardwareAccelerated) loop.Run<Lanes512, Vector512<float>, BFloat16Element>(from, to);
            else loop.Run<Lanes256, Vector256<float>, BFloat16Element>(from, to);
        }
        else if (Vector512.IsHardwareAccelerated) loop.Run<Lanes512, Vector512<float>, Float32Element>(from, to);
        else loop.Run<Lanes256, Vector256<float>, Float32Element>(from, to);
    }
}
