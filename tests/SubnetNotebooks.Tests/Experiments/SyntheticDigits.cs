using System.IO.Compression;
using System.Text;

namespace SubnetNotebooks.Tests.Experiments;

/// <summary>A learnable stand-in for scikit-learn's digits file, in its real format and size, for end-to-end runs.</summary>
static class SyntheticDigits
{
    /// <summary>
    /// Writes &lt;root&gt;/data/digits/digits.csv.gz: 1,797 lines of 64 values in 0..16 and a label; class k lights
    /// pixel row k % 8 (classes 8 and 9 also a column), with noise. Returns the data folder for --data-dir.
    /// </summary>
    public static string Write(string root, int seed)
    {
        var folder = Path.Combine(root, "data", "digits");
        Directory.CreateDirectory(folder);
        var rng = new Random(seed);
        var text = new StringBuilder();
        for (int i = 0; i < 1797; i++)
        {
            int label = i % 10;
            var values = Enumerable.Range(0, 64).Select(p => p / 8 == label % 8 || (label >= 8 && p % 8 == label - 8) ? 12 + rng.Next(5) : rng.Next(4));
            text.Append(string.Join(',', values)).Append(',').Append(label).Append('\n');
        }
        using var file = File.Create(Path.Combine(folder, "digits.csv.gz"));
        using var gz = new GZipStream(file, CompressionLevel.Fastest);
        gz.Write(Encoding.ASCII.GetBytes(text.ToString()));
        return Path.Combine(root, "data");
    }
}
