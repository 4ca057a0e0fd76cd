using System.Globalization;
using System.Text.Json;
using SubnetNotebooks.Experiments;
using SubnetNotebooks.Metrics;

namespace SubnetNotebooks.Tests.Experiments;

/// <summary>`reproduce --seeds`: a run folder per seed and the mean ± std summary beside them.</summary>
public class SeedSweepTests() : InTempFolder("subnet-seeds-")
{
    static readonly string[] AllRows = ["single", "mcdropout", "deep", "subnet", "subnet-budget", "deep-budget"];

    ExperimentConfig Config() => Profiles.Smoke with
    {
        Dataset = "digits", OodDataset = "", DataDir = SyntheticDigits.Write(_dir, seed: 5), TrainSamples = 0, TestSamples = 0,
        ValidationSamples = 200, ShiftSamples = 0, Widths = [32, 32], Members = 2, Epochs = 2, ParentEpochs = 1, SubnetEpochs = 2,
        BatchSize = 32, LearningRate = 0.05, Methods = AllRows,
    };

    [Fact]
    public void TwoSeedsGiveTheSampleStandardDeviationOfTheirMetricsAndAreNotRetrained()
    {
        var root = Path.Combine(_dir, "sweep");
        SeedSweep.Run(Config(), [0, 1], root);

        var seeds = new[] { 0, 1 }.Select(s => MetricsTable.FromJson(File.ReadAllText(Path.Combine(root, $"seed{s}", "metrics.json")))).ToArray();
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "summary.json")));
        var markdown = File.ReadAllLines(Path.Combine(root, "summary.md"));
        foreach (var method in AllRows)
        {
            foreach (var metric in new[] { "accuracy", "nll", "ece", "ts.nll", "cost.train_seconds" })
            {
                double a = seeds[0].Get(method, metric)!.Value, b = seeds[1].Get(method, metric)!.Value;
                // Two values: mean (a + b) / 2, sample standard deviation sqrt(((a - m)^2 + (b - m)^2) / 1) = |a - b| / sqrt(2).
                var cell = summary.RootElement.GetProperty("methods").GetProperty(method).GetProperty(metric);
                Assert.Equal((a + b) / 2, cell.GetProperty("mean").GetDouble(), 12);
                Assert.Equal(Math.Abs(a - b) / Math.Sqrt(2), cell.GetProperty("std").GetDouble(), 12);
                Assert.Equal(2, cell.GetProperty("n").GetInt32());
            }
            double x = seeds[0].Get(method, "accuracy")!.Value, y = seeds[1].Get(method, "accuracy")!.Value;
            string accuracy = string.Create(CultureInfo.InvariantCulture, $"{(x + y) / 2 * 100:F2} ± {Math.Abs(x - y) / Math.Sqrt(2) * 100:F2}");
            Assert.Contains(markdown, line => line.StartsWith($"| {method} | 2 | {accuracy} | "));
            double ratio = seeds[0].Get(method, "cost.train_seconds")!.Value / seeds[0].Get("mcdropout", "cost.train_seconds")!.Value;
            Assert.Equal(ratio, TrainRatioOfSeed0(root, method), 9);
        }
        Assert.Contains(markdown, line => line.StartsWith("| subnet-budget | 2 | ") && !line.Contains("| - |"));
        Assert.Contains("| method | n | accuracy % | NLL |", string.Join("\n", markdown));
        Assert.Contains("subnet-budget,budget.cost_ratio,", File.ReadAllText(Path.Combine(root, "summary.csv")));
        Assert.Contains("error_y", File.ReadAllText(Path.Combine(root, "report.html")));

        // A finished seed folder is kept: running the sweep again trains nothing and leaves its files as they were.
        var written = File.GetLastWriteTimeUtc(Path.Combine(root, "seed1", "metrics.json"));
        SeedSweep.Run(Config(), [0, 1], root);
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(root, "seed1", "metrics.json")));
    }

    static double TrainRatioOfSeed0(string root, string method)
    {
        var one = SeedSummary.FromTables([(0, MetricsTable.FromJson(File.ReadAllText(Path.Combine(root, "seed0", "metrics.json"))))]);
        return one.Get(method, SeedSummary.TrainRatioKey)!.Mean;
    }

    [Fact]
    public void StatisticIsTheMeanAndSampleStandardDeviationOfTheFiniteValues()
    {
        // [1, 2, 3, 4]: mean 2.5, squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, / (n - 1) = 5/3.
        var s = SeedStatistic.Of([1, 2, 3, double.NaN, 4]);
        Assert.Equal(2.5, s.Mean, 12);
        Assert.Equal(Math.Sqrt(5.0 / 3), s.StandardDeviation, 12);
        Assert.Equal(4, s.Count);
        Assert.True(double.IsNaN(SeedStatistic.Of([0.9]).StandardDeviation));
    }

    [Fact]
    public void MarkdownShowsMeanAloneForOneSeedAndADashForAMissingMetric()
    {
        var table = new MetricsTable().Add("single", new Dictionary<string, double> { ["accuracy"] = 0.9012, ["cost.parameters"] = 1234567 });
        var md = SeedSummaryTable.Markdown(SeedSummary.FromTables([(4, table)]));
        Assert.Contains("| single | 1 | 90.12 | - |", md);
        Assert.Contains("| 1,234,567 |", md);
        Assert.Contains("seeds 4;", md);
    }

    [Fact]
    public void SeedListsParseAndBadEntriesAreNamed()
    {
        Assert.Equal([0L, 1, 2], SeedSweep.ParseSeeds("0,1,2"));
        Assert.Equal([3L, 4, 5], SeedSweep.ParseSeeds("3-5"));
        var e = Assert.Throws<ArgumentException>(() => SeedSweep.ParseSeeds("0,x"));
        Assert.Contains("'x'", e.Message);
        Assert.Throws<ArgumentException>(() => SeedSweep.ParseSeeds("1,1"));
    }
}
