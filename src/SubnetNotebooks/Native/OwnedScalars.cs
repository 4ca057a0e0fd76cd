using System.Collections.Concurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Native;

/// <summary>
/// The only way the kit makes a TorchSharp <see cref="Scalar"/>: one per value, created once and held for the life of the
/// process. TorchSharp 0.107 hands libtorch only a Scalar's native handle, so a temporary Scalar (an implicit conversion
/// from a double, or one made inside TorchSharp, as <c>Tensor + Tensor</c> does for its alpha of 1) can be finalized by a
/// garbage collection on another thread while libtorch still reads it: a crash ("Unknown scalar type", "toFloat") or,
/// when the freed memory already holds another Scalar, a wrong value with no error. A Scalar from here is never
/// collected. Use it for constants and rates a run has few of (crop sizes, dropout rates, learning rates); the
/// ScalarGuardTests fail on any other Scalar conversion in the kit's per-step code (ARCHITECTURE.md, "Scalars").
/// </summary>
public static class OwnedScalars
{
    static readonly ConcurrentDictionary<(char Kind, long Bits), Scalar> Cache = new();

    /// <summary>The Scalar 1 (int64): the alpha of a plain tensor addition.</summary>
    public static Scalar One { get; } = Of(1L);

    /// <summary>A float64 Scalar holding <paramref name="value"/>.</summary>
    public static Scalar Of(double value) => Cache.GetOrAdd(('d', BitConverter.DoubleToInt64Bits(value)), static (key) => BitConverter.Int64BitsToDouble(key.Bits).ToScalar());

    /// <summary>A float32 Scalar holding <paramref name="value"/>.</summary>
    public static Scalar Of(float value) => Cache.GetOrAdd(('f', BitConverter.SingleToInt32Bits(value)), static (key) => BitConverter.Int32BitsToSingle((int)key.Bits).ToScalar());

    /// <summary>An int64 Scalar holding <paramref name="value"/>.</summary>
    public static Scalar Of(long value) => Cache.GetOrAdd(('l', value), static (key) => key.Bits.ToScalar());

    /// <summary>An int32 Scalar holding <paramref name="value"/>.</summary>
    public static Scalar Of(int value) => Cache.GetOrAdd(('i', value), static (key) => ((int)key.Bits).ToScalar());

    /// <summary>0, 1, ..., <paramref name="stop"/> - 1, made from owned Scalars (torch.arange(stop) makes temporary ones).</summary>
    /// <returns><paramref name="dtype"/> [stop] on <paramref name="device"/></returns>
    public static Tensor Arange(long stop, Device? device = null, ScalarType dtype = ScalarType.Int64) =>
        arange(Of(0), Of(stop), Of(1), dtype, device);
}
