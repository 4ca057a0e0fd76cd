using System.Buffers.Binary;
using System.IO.Compression;
using static TorchSharp.torch;

namespace SubnetNotebooks.Data;

/// <summary>The header of an IDX file: magic number, dimensions and where the payload starts.</summary>
/// <param name="File">the file it was read from</param>
/// <param name="Magic">0x00000803 for images, 0x00000801 for labels</param>
/// <param name="Dims">big-endian dimensions, e.g. [60000, 28, 28]</param>
/// <param name="Compressed">true for a gzip file</param>
public sealed record IdxHeader(string File, int Magic, int[] Dims, bool Compressed)
{
    /// <summary>Number of items (the first dimension).</summary>
    public int Count => Dims[0];
    /// <summary>Bytes of header: 4 for the magic number plus 4 per dimension.</summary>
    public long HeaderBytes => 4 + 4L * Dims.Length;
    /// <summary>Bytes of payload: the product of the dimensions.</summary>
    public long PayloadBytes => Dims.Aggregate(1L, (a, d) => a * d);
}

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST, raw or gzipped (detected by the gzip magic
/// bytes, not the file name): unsigned bytes, big-endian dimensions.
/// </summary>
public static class IdxFormat
{
    /// <summary>Magic number of an unsigned-byte IDX file with 3 dimensions (images).</summary>
    public const int ImagesMagic = 0x00000803;
    /// <summary>Magic number of an unsigned-byte IDX file with 1 dimension (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>
    /// Reads and checks the header without reading the payload: the file size (for gzip, the
    /// uncompressed size in the gzip trailer) must be header plus payload.
    /// </summary>
    /// <param name="path">an IDX file, raw or gzipped</param>
    /// <param name="expectedMagic">the magic number the file must start with</param>
    public static IdxHeader ReadHeader(string path, int expectedMagic)
    {
        using var stream = Open(path, out bool compressed);
        var header = ParseHeader(stream, path, expectedMagic, compressed);
        long actual = compressed ? GzipUncompressedSize(path) : new FileInfo(path).Length;
        long expected = header.HeaderBytes + header.PayloadBytes;
        // The gzip trailer holds the size modulo 2^32.
        bool matches = compressed ? (actual == (expected & 0xFFFFFFFFL)) : actual == expected;
        if (!matches)
            throw new DatasetFormatException(path,
                (compressed
                    ? $"gzipped IDX file {path} records {actual:N0} uncompressed bytes in its gzip trailer; expected {expected:N0} "
                    : $"IDX file {path} is {actual:N0} bytes; expected {expected:N0} ") +
                $"({header.HeaderBytes} header bytes and {string.Join(" x ", header.Dims)} unsigned bytes), so it is truncated or damaged.",
                "Re-download or reinstall it", DatasetDocs.TruncatedFile);
        return header;
    }

    /// <summary>Reads an image file.</summary>
    /// <returns>uint8 [N, 1, H, W]</returns>
    public static Tensor ReadImages(string path)
    {
        var (header, payload) = ReadAll(path, ImagesMagic, 3);
        return tensor(payload, new long[] { header.Dims[0], 1, header.Dims[1], header.Dims[2] });
    }

    /// <summary>Reads a label file and checks every label is below <paramref name="classes"/>.</summary>
    /// <returns>int64 [N]</returns>
    public static Tensor ReadLabels(string path, int classes)
    {
        var (header, payload) = ReadAll(path, LabelsMagic, 1);
        var labels = new long[payload.Length];
        for (int i = 0; i < payload.Length; i++)
        {
            if (payload[i] >= classes)
                throw new DatasetFormatException(path,
                    $"IDX label file {path} has label {payload[i]} at item {i:N0}; expected labels 0..{classes - 1}.",
                    "The file belongs to another dataset or is damaged: re-download it", DatasetDocs.LabelOutOfRange);
            labels[i] = payload[i];
        }
        return tensor(labels, new long[] { header.Count });
    }

    static (IdxHeader Header, byte[] Payload) ReadAll(string path, int magic, int dims)
    {
        using var stream = Open(path, out bool compressed);
        var header = ParseHeader(stream, path, magic, compressed);
        if (header.Dims.Length != dims)
            throw new DatasetFormatException(path,
                $"IDX file {path} has {header.Dims.Length} dimensions; expected {dims}.",
                "Re-download or reinstall it", DatasetDocs.WrongMagicNumber);
        var payload = new byte[header.PayloadBytes];
        int read;
        try { read = stream.ReadAtLeast(payload, payload.Length, throwOnEndOfStream: false); }
        catch (InvalidDataException e)
        {
            throw new DatasetFormatException(path,
                $"IDX file {path} is not a readable gzip stream ({e.Message}).",
                "Re-download or reinstall it", DatasetDocs.TruncatedFile, e);
        }
        if (read < payload.Length)
            throw new DatasetFormatException(path,
                $"IDX file {path} ends after {header.HeaderBytes + read:N0} bytes{(compressed ? " uncompressed" : "")}; " +
                $"expected {header.HeaderBytes + header.PayloadBytes:N0} ({string.Join(" x ", header.Dims)} unsigned bytes after the header).",
                "Re-download or reinstall it", DatasetDocs.TruncatedFile);
        return (header, payload);
    }

    static IdxHeader ParseHeader(Stream stream, string path, int expectedMagic, bool compressed)
    {
        var word = new byte[4];
        ReadWord(stream, word, path);
        int magic = BinaryPrimitives.ReadInt32BigEndian(word);
        if (magic != expectedMagic)
            throw new DatasetFormatException(path,
                $"IDX file {path} starts with magic number 0x{magic:X8}; expected 0x{expectedMagic:X8} " +
                $"({(expectedMagic == ImagesMagic ? "unsigned-byte images, 3 dimensions" : "unsigned-byte labels, 1 dimension")}).",
                "Check that image and label files are not swapped, then re-download it", DatasetDocs.WrongMagicNumber);
        var dims = new int[magic & 0xFF];
        for (int i = 0; i < dims.Length; i++)
        {
            ReadWord(stream, word, path);
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(word);
        }
        return new IdxHeader(path, magic, dims, compressed);
    }

    static void ReadWord(Stream stream, byte[] word, string path)
    {
        if (stream.ReadAtLeast(word, 4, throwOnEndOfStream: false) < 4)
            throw new DatasetFormatException(path,
                $"IDX file {path} ends inside its header.", "Re-download or reinstall it", DatasetDocs.TruncatedFile);
    }

    static Stream Open(string path, out bool compressed)
    {
        if (!File.Exists(path))
            throw new DatasetFormatException(path, $"IDX file {path} does not exist.", "Check the folder", DatasetDocs.MissingFolder);
        var file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[2];
        compressed = file.Read(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        file.Position = 0;
        return compressed ? new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16) : file;
    }

    static long GzipUncompressedSize(string path)
    {
        using var file = File.OpenRead(path);
        if (file.Length < 18) return -1;
        file.Seek(-4, SeekOrigin.End);
        Span<byte> size = stackalloc byte[4];
        file.ReadExactly(size);
        return BinaryPrimitives.ReadUInt32LittleEndian(size);
    }
}
