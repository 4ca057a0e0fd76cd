using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SubnetNotebooks.Tests.Data;

/// <summary>Writes small files in the real dataset formats, byte by byte from their specifications.</summary>
static class DatasetFiles
{
    /// <summary>A fresh temporary folder, deleted by the returned handle.</summary>
    public static TempFolder Temp() => new();

    public sealed class TempFolder : IDisposable
    {
        public TempFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "subnet-data-tests-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }
        public string Path { get; }
        public string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);
        public void Dispose() { try { Directory.Delete(Path, true); } catch (IOException) { } }
    }

    /// <summary>IDX: big-endian magic 0x000008_0d (unsigned bytes, d dimensions), d big-endian sizes, then the bytes.</summary>
    public static byte[] Idx(int[] dims, byte[] payload, int? magic = null)
    {
        var header = new byte[4 + 4 * dims.Length];
        BinaryPrimitives.WriteInt32BigEndian(header, magic ?? (0x0800 | dims.Length));
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), dims[i]);
        return [.. header, .. payload];
    }

    public static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(data);
        return ms.ToArray();
    }

    /// <summary>One CIFAR record: label byte(s), then 1,024 red, 1,024 green, 1,024 blue bytes.</summary>
    public static byte[] CifarRecord(byte[] labels, Func<int, int, int, byte> pixel)
    {
        var record = new byte[labels.Length + 3072];
        labels.CopyTo(record, 0);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 32; y++)
                for (int x = 0; x < 32; x++)
                    record[labels.Length + c * 1024 + y * 32 + x] = pixel(c, y, x);
        return record;
    }

    /// <summary>A PNG (colour type 2, 8-bit RGB, no interlace) written from the specification: signature, IHDR, IDAT (zlib of filter-0 scanlines), IEND.</summary>
    /// <param name="rgb">height x width x 3 bytes, row-major</param>
    public static byte[] Png(int width, int height, byte[] rgb)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; ihdr[9] = 2;
        Chunk(png, "IHDR", ihdr);
        var raw = new MemoryStream();
        for (int y = 0; y < height; y++)
        {
            raw.WriteByte(0);
            raw.Write(rgb, y * width * 3, width * 3);
        }
        var z = new MemoryStream();
        using (var zlib = new ZLibStream(z, CompressionLevel.Optimal)) zlib.Write(raw.ToArray());
        Chunk(png, "IDAT", z.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    static void Chunk(Stream s, string type, byte[] data)
    {
        var len = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        s.Write(crc);
    }

    /// <summary>CRC-32 (ISO 3309, reflected polynomial 0xEDB88320) by its table formula, as PNG specifies.</summary>
    public static uint Crc32(byte[] data)
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        uint crc = 0xFFFFFFFFu;
        foreach (var b in data) crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc ^ 0xFFFFFFFFu;
    }

    /// <summary>A solid-colour PNG of the given size.</summary>
    public static byte[] SolidPng(int width, int height, byte r, byte g, byte b) =>
        Png(width, height, Enumerable.Range(0, width * height).SelectMany(_ => new[] { r, g, b }).ToArray());
}
