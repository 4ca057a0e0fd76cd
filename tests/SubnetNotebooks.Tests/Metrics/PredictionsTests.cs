using System.Diagnostics;
using SubnetNotebooks.Metrics;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Metrics;

public class PredictionsTests
{
    [Fact]
    public void Ensemble_is_the_mean_of_members()
    {
        var p = HandFixture.Build();
        double[] mean = p.EnsembleProbabilities();
        // sample 2: A [.50 .30 .20], B [.40 .30 .30] → [.45 .30 .25]
        Assert.Equal(0.45, mean[2 * 3 + 0], 6);
        Assert.Equal(0.30, mean[2 * 3 + 1], 6);
        Assert.Equal(0.25, mean[2 * 3 + 2], 6);
        Assert.Equal(0.55f, p[1, 1, 1]);
        Assert.Equal(new[] { .40f, .30f, .30f }, p.Row(1, 2).ToArray());
    }

    [Fact]
    public void Member_and_take_select_members()
    {
        var p = HandFixture.Build();
        var b = p.Member(1);
        Assert.Equal(1, b.Members);
        Assert.Equal(HandFixture.B.SelectMany(r => r).ToArray(), b.Values.ToArray());
        var first = p.Take(1);
        Assert.Equal(HandFixture.A.SelectMany(r => r).ToArray(), first.Values.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => p.Take(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => p.Member(2));
    }

    [Theory]
    [InlineData(float.NaN, "member 1, sample 0, class 1 is NaN")]
    [InlineData(-0.1f, "member 1, sample 0, class 1 is -0.1")]
    [InlineData(0.5f, "member 1, sample 0 sums to")]
    public void Bad_probabilities_name_member_and_sample(float bad, string expected)
    {
        float[] values = HandFixture.Build().Values.ToArray();
        values[1 * 4 * 3 + 0 * 3 + 1] = bad; // member 1, sample 0, class 1
        var e = Assert.Throws<ArgumentException>(() => new Predictions(values, 2, 4, 3, HandFixture.Labels));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Shape_and_label_errors_are_clear()
    {
        float[] values = HandFixture.Build().Values.ToArray();
        Assert.Contains("expected members*samples*classes", Assert.Throws<ArgumentException>(() => new Predictions(values, 2, 4, 2, HandFixture.Labels)).Message);
        Assert.Contains("3 labels for 4 samples", Assert.Throws<ArgumentException>(() => new Predictions(values, 2, 4, 3, [0, 1, 2])).Message);
        Assert.Contains("label of sample 3 is 3", Assert.Throws<ArgumentException>(() => new Predictions(values, 2, 4, 3, [0, 1, 2, 3])).Message);
    }

    [Fact]
    public void From_tensor_reads_members_samples_classes()
    {
        using var probs = tensor(HandFixture.Build().Values.ToArray(), [2, 4, 3]);
        using var labels = tensor(new long[] { 0, 1, 2, 2 });
        var p = Predictions.FromTensor(probs, labels);
        Assert.Equal((2, 4, 3), (p.Members, p.Samples, p.Classes));
        Assert.Equal(0.60f, p[0, 3, 1]);
        Assert.Equal(HandFixture.Labels, p.Labels.ToArray());
        using var single = Predictions.FromTensor(probs[0], labels).ToTensor();
        Assert.Equal(new long[] { 1, 4, 3 }, single.shape);
    }

    [Fact]
    public void Npy_round_trip()
    {
        var dir = Directory.CreateTempSubdirectory("npy-");
        try
        {
            var p = HandFixture.Build();
            string probs = Path.Combine(dir.FullName, "method.npy"), labels = Path.Combine(dir.FullName, "labels.npy");
            p.SaveNpy(probs, labels);
            var back = Predictions.LoadNpy(probs, labels);
            Assert.Equal((2, 4, 3), (back.Members, back.Samples, back.Classes));
            Assert.Equal(p.Values.ToArray(), back.Values.ToArray());
            Assert.Equal(p.Labels.ToArray(), back.Labels.ToArray());
            // Header: magic, version 1.0, length making the data start on a 64-byte boundary.
            byte[] bytes = File.ReadAllBytes(probs);
            Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }, bytes[..8]);
            Assert.Equal(0, (bytes.Length - 2 * 4 * 3 * 4) % 64);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Npy_files_agree_with_numpy_both_ways()
    {
        string python = NumpyPython();
        var dir = Directory.CreateTempSubdirectory("npy-");
        try
        {
            var p = HandFixture.Build();
            string probs = Path.Combine(dir.FullName, "p.npy"), labels = Path.Combine(dir.FullName, "l.npy");
            p.SaveNpy(probs, labels);
            string fromNumpy = Path.Combine(dir.FullName, "n.npy"), numpyLabels = Path.Combine(dir.FullName, "nl.npy");
            string script =
                "import numpy as np, sys\n" +
                "p = np.load(sys.argv[1]); l = np.load(sys.argv[2])\n" +
                "print(p.dtype, p.shape, l.dtype, l.shape, repr(float(p[1, 3, 2])), repr(float(p.sum())), list(l))\n" +
                "np.save(sys.argv[3], (p[:, :2, :] * 2 / 2).astype(np.float32)); np.save(sys.argv[4], l[:2].astype(np.int64))\n";
            string output = Run(python, ["-c", script, probs, labels, fromNumpy, numpyLabels]);
            // B's sample 3 class 2 is .70f = 0.699999988079071; all rows sum to 1 → total 8.
            Assert.StartsWith("float32 (2, 4, 3) int64 (4,) 0.699999988079071", output);
            Assert.Contains("[0, 1, 2, 2]", output);
            Assert.Equal(8.0, double.Parse(output.Split(' ')[^5].Trim(), System.Globalization.CultureInfo.InvariantCulture), 5);

            var back = Predictions.LoadNpy(fromNumpy, numpyLabels);
            Assert.Equal((2, 2, 3), (back.Members, back.Samples, back.Classes));
            Assert.Equal(.40f, back[1, 1, 0]);
            Assert.Equal(new[] { 0, 1 }, back.Labels.ToArray());
        }
        finally { dir.Delete(true); }
    }

    /// <summary>A Python with numpy: $SUBNET_PYTHON, python3 on PATH or Debian's /usr/bin/python3.</summary>
    static string NumpyPython()
    {
        string?[] candidates = [Environment.GetEnvironmentVariable("SUBNET_PYTHON"), "python3", "/usr/bin/python3"];
        foreach (var candidate in candidates.OfType<string>())
        {
            try { Run(candidate, ["-c", "import numpy"]); return candidate; }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { }
        }
        Assert.Fail("No Python with numpy found (tried $SUBNET_PYTHON, python3, /usr/bin/python3); this test checks .npy files against numpy.load. Install it: apt-get install python3-numpy, or set SUBNET_PYTHON.");
        return "";
    }

    static string Run(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd(), stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} exited {process.ExitCode}: {stderr}");
        return stdout;
    }
}
