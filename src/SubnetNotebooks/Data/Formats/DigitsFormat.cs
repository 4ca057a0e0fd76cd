using System.IO.Compression;
using static TorchSharp.torch;

namespace SubnetNotebooks.Data;

/// <summary>
/// Reads scikit-learn's 8x8 digits file (digits.csv.gz, gzipped or plain): one sample per line,
/// 64 comma-separated pixel values 0..16 (row-major) and a label 0..9. Pixels become bytes by
/// round(v * 255 / 16), so 16 maps to 255.
/// </summary>
public static class DigitsFormat
{
    /// <summary>Values per line: 64 pixels and the label.</summary>
    public const int Fields = 65;

    /// <summary>Reads every sample.</summary>
    /// <returns>pixels uint8 [N, 1, 8, 8], labels int64 [N]</returns>
    public static (Tensor Pixels, Tensor Labels) Read(string path)
    {
        var lines = ReadLines(path);
        var pixels = new byte[lines.Count * 64];
        var labels = new long[lines.Count];
        for (int i = 0; i < lines.Count; i++)
        {
            var fields = lines[i].Split(',');
            if (fields.Length != Fields)
                throw new DatasetFormatException(path,
                    $"Digits file {path} line {i + 1} has {fields.Length} values; expected {Fields} (64 pixels and a label).",
                    "Reinstall python3-sklearn or re-download digits.csv.gz", DatasetDocs.WrongRecordSize);
            for (int k = 0; k < Fields; k++)
            {
                if (!int.TryParse(fields[k], out int v) || v < 0 || v > (k < 64 ? 16 : 9))
                    throw new DatasetFormatException(path,
                        $"Digits file {path} line {i + 1}, value {k + 1} is '{fields[k].Trim()}'; expected " +
                        (k < 64 ? "a pixel value 0..16." : "a label 0..9."),
                        "Reinstall python3-sklearn or re-download digits.csv.gz", k < 64 ? DatasetDocs.WrongRecordSize : DatasetDocs.LabelOutOfRange);
                if (k < 64) pixels[i * 64 + k] = (byte)((v * 255 + 8) / 16);
                else labels[i] = v;
            }
        }
        return (tensor(pixels, new long[] { lines.Count, 1, 8, 8 }), tensor(labels));
    }

    /// <summary>Number of samples (non-empty lines), without parsing them.</summary>
    public static int CountSamples(string path) => ReadLines(path).Count;

    static List<string> ReadLines(string path)
    {
        if (!File.Exists(path))
            throw new DatasetFormatException(path, $"Digits file {path} does not exist.",
                "Install python3-sklearn or download digits.csv.gz", DatasetDocs.MissingFolder);
        try
        {
            using var file = File.OpenRead(path);
            Span<byte> magic = stackalloc byte[2];
            bool gz = file.Read(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
            file.Position = 0;
            using var reader = new StreamReader(gz ? new GZipStream(file, CompressionMode.Decompress) : file);
            var lines = new List<string>();
            while (reader.ReadLine() is string line)
                if (line.Trim().Length > 0) lines.Add(line);
            return lines;
        }
        catch (InvalidDataException e)
        {
            throw new DatasetFormatException(path, $"Digits file {path} is not a readable gzip stream ({e.Message}).",
                "Reinstall python3-sklearn or re-download digits.csv.gz", DatasetDocs.TruncatedFile, e);
        }
    }
}
