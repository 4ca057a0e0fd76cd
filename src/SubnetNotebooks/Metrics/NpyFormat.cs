using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace SubnetNotebooks.Metrics;

/// <summary>
/// NumPy's .npy file format, version 1.0, for little-endian C-ordered float32 and int64 arrays:
/// the magic "\x93NUMPY", version bytes 1 0, a uint16 header length, an ASCII dict header padded
/// with spaces to a multiple of 64 bytes and ended by '\n', then the raw data. numpy.load reads it.
/// </summary>
public static partial class NpyFormat
{
    static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Writes a float32 array of the given shape (little-endian, C order).</summary>
    /// <param name="path">file to create (folders are created)</param>
    /// <param name="values">the elements in C order; length = product of <paramref name="shape"/></param>
    /// <param name="shape">array shape, e.g. [members, samples, classes]</param>
    public static void WriteFloat32(string path, ReadOnlySpan<float> values, params long[] shape)
    {
        CheckLength(path, values.Length, shape);
        var data = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * 4), values[i]);
        Write(path, "<f4", shape, data);
    }

    /// <summary>Writes an int64 array of the given shape (little-endian, C order).</summary>
    public static void WriteInt64(string path, ReadOnlySpan<long> values, params long[] shape)
    {
        CheckLength(path, values.Length, shape);
        var data = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(i * 8), values[i]);
        Write(path, "<i8", shape, data);
    }

    /// <summary>Writes a uint8 array of the given shape (C order), the dtype of CIFAR-10-C's images and labels.</summary>
    public static void WriteUInt8(string path, ReadOnlySpan<byte> values, params long[] shape)
    {
        CheckLength(path, values.Length, shape);
        Write(path, "|u1", shape, values.ToArray());
    }

    /// <summary>Reads a float32 ('&lt;f4') array; float64 ('&lt;f8') files are narrowed to float32.</summary>
    public static (float[] Values, long[] Shape) ReadFloat32(string path)
    {
        var (descr, shape, data) = Read(path);
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var values = new float[count];
        switch (descr)
        {
            case "<f4":
                for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(i * 4));
                break;
            case "<f8":
                for (int i = 0; i < count; i++) values[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(data.AsSpan(i * 8));
                break;
            default:
                throw new InvalidDataException($"{path}: dtype '{descr}' where float32 ('<f4') was expected. Save it with numpy as arr.astype(np.float32).");
        }
        return (values, shape);
    }

    /// <summary>Reads a uint8 ('|u1') array, e.g. the images of CIFAR-10-C.</summary>
    public static (byte[] Values, long[] Shape) ReadUInt8(string path)
    {
        var (descr, shape, data) = Read(path);
        if (descr != "|u1")
            throw new InvalidDataException($"{path}: dtype '{descr}' where uint8 ('|u1') was expected. Save it with numpy as arr.astype(np.uint8).");
        return (data, shape);
    }

    /// <summary>Reads an int64 ('&lt;i8') array; int32 ('&lt;i4') and uint8 ('|u1') files are widened.</summary>
    public static (long[] Values, long[] Shape) ReadInt64(string path)
    {
        var (descr, shape, data) = Read(path);
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var values = new long[count];
        switch (descr)
        {
            case "<i8":
                for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(i * 8));
                break;
            case "<i4":
                for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(i * 4));
                break;
            case "|u1":
                for (int i = 0; i < count; i++) values[i] = data[i];
                break;
            default:
                throw new InvalidDataException($"{path}: dtype '{descr}' where int64 ('<i8') was expected. Save it with numpy as arr.astype(np.int64).");
        }
        return (values, shape);
    }

    static void CheckLength(string path, int length, long[] shape)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != length)
            throw new ArgumentException($"{path}: shape [{string.Join(", ", shape)}] holds {count} elements but {length} were given.");
    }

    static void Write(string path, string descr, long[] shape, byte[] data)
    {
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        // magic (6) + version (2) + header length (2) + dict + padding + '\n' is a multiple of 64.
        int unpadded = 10 + dict.Length + 1;
        int padding = (64 - unpadded % 64) % 64;
        string header = dict + new string(' ', padding) + "\n";
        if (header.Length > ushort.MaxValue)
            throw new ArgumentException($"{path}: a {shape.Length}-dimensional shape makes the .npy header too long for version 1.0.");
        // Atomic: two processes evaluating into one run folder both write predictions/labels.npy.
        SubnetNotebooks.Training.AtomicFile.Write(path, stream =>
        {
            stream.Write(Magic);
            stream.Write([1, 0]);
            var length = new byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
            stream.Write(length);
            stream.Write(Encoding.ASCII.GetBytes(header));
            stream.Write(data);
        });
    }

    static (string Descr, long[] Shape, byte[] Data) Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
            throw new InvalidDataException($"{path} is not a NumPy .npy file (it does not start with \\x93NUMPY). Write it with numpy.save.");
        int major = bytes[6];
        int headerLength, headerStart;
        if (major == 1) { headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)); headerStart = 10; }
        else if (major is 2 or 3) { headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)); headerStart = 12; }
        else throw new InvalidDataException($"{path}: .npy version {major}.{bytes[7]}; expected 1.0, 2.0 or 3.0.");
        string header = Encoding.ASCII.GetString(bytes, headerStart, headerLength);
        var descr = DescrPattern().Match(header);
        var shape = ShapePattern().Match(header);
        if (!descr.Success || !shape.Success)
            throw new InvalidDataException($"{path}: .npy header '{header.Trim()}' lacks 'descr' or 'shape'.");
        if (FortranPattern().IsMatch(header))
            throw new InvalidDataException($"{path} is stored in Fortran order; expected C order. Save np.ascontiguousarray(arr) instead.");
        long[] dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(long.Parse).ToArray();
        int itemSize = descr.Groups[1].Value[^1] - '0';
        long expected = dims.Aggregate(1L, (a, b) => a * b) * itemSize;
        int dataStart = headerStart + headerLength;
        if (bytes.Length - dataStart != expected)
            throw new InvalidDataException($"{path}: {bytes.Length - dataStart} data bytes; expected {expected} for shape [{string.Join(", ", dims)}] of '{descr.Groups[1].Value}'. The file is truncated or corrupt.");
        return (descr.Groups[1].Value, dims, bytes[dataStart..]);
    }

    [GeneratedRegex(@"'descr':\s*'([<>|=][a-z]\d)'")]
    private static partial Regex DescrPattern();
    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
    [GeneratedRegex(@"'fortran_order':\s*True")]
    private static partial Regex FortranPattern();
}
