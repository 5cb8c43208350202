using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Llava.Model.Layers;

/// <summary>
/// One vector width's float operations, so that one generic loop serves AVX-512 and AVX2: the JIT specialises a
/// method per struct argument, and the kernels pick the widest the CPU runs in hardware.
/// </summary>
internal unsafe interface ILanes<TVector> where TVector : struct
{
    static abstract int Count { get; }
    static abstract TVector Load(float* source);
    /// <summary>Count bfloat16 values widened to float32: a bfloat16 is a float32's upper 16 bits, so the widening is exact.</summary>
    static abstract TVector LoadBFloat16(ushort* source);
    static abstract void Store(TVector vector, float* destination);
    static abstract TVector Broadcast(float value);
    static abstract TVector FusedMultiplyAdd(TVector left, TVector right, TVector addend);
    static abstract float Sum(TVector vector);
}

internal readonly unsafe struct Lanes512 : ILanes<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Load(float* source) => Vector512.Load(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadBFloat16(ushort* source) =>
        Vector512.ShiftLeft(Vector512.WidenLower(Vector256.Load(source).ToVector512Unsafe()), 16).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<float> vector, float* destination) => vector.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Broadcast(float value) => Vector512.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> FusedMultiplyAdd(Vector512<float> left, Vector512<float> right, Vector512<float> addend) =>
        Vector512.FusedMultiplyAdd(left, right, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector512<float> vector) => Vector512.Sum(vector);
}

internal readonly unsafe struct Lanes256 : ILanes<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(float* source) => Vector256.Load(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadBFloat16(ushort* source) =>
        Vector256.ShiftLeft(Vector256.WidenLower(Vector128.Load(source).ToVector256Unsafe()), 16).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<float> vector, float* destination) => vector.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Broadcast(float value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> FusedMultiplyAdd(Vector256<float> left, Vector256<float> right, Vector256<float> addend) =>
        Vector256.FusedMultiplyAdd(left, right, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector256<float> vector) => Vector256.Sum(vector);
}
