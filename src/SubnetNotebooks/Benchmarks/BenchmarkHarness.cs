using System.Diagnostics;

namespace SubnetNotebooks.Benchmarks;

/// <summary>
/// A small timing harness: warm-up runs, then repetitions timed with <see cref="Stopwatch"/>, summarised by the median
/// (robust to the odd slow run on a shared machine). <see cref="SideBySide"/> interleaves the contenders repetition by
/// repetition, so drift in machine load hits all of them alike.
/// </summary>
public static class BenchmarkHarness
{
    /// <summary>The median of <paramref name="values"/> (mean of the middle two for an even count).</summary>
    public static double Median(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("The median of no values is undefined; run at least one repetition.");
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>Seconds of each timed repetition of <paramref name="operation"/> after <paramref name="warmup"/> untimed runs.</summary>
    public static double[] Time(Action operation, int warmup, int repetitions) => SideBySide([operation], warmup, repetitions)[0];

    /// <summary>
    /// Runs every operation <paramref name="warmup"/> times, then <paramref name="repetitions"/> rounds in which each
    /// operation runs once (in the given order, rotated every round); returns the seconds per repetition of each.
    /// </summary>
    /// <returns>[operation][repetition] seconds</returns>
    public static double[][] SideBySide(IReadOnlyList<Action> operations, int warmup, int repetitions)
    {
        if (operations.Count == 0) throw new ArgumentException("SideBySide needs at least one operation.");
        if (warmup < 0 || repetitions < 1)
            throw new ArgumentException($"warm-up must be >= 0 and repetitions >= 1; got {warmup} and {repetitions}.");
        for (int w = 0; w < warmup; w++)
            foreach (var op in operations) op();
        var seconds = operations.Select(_ => new double[repetitions]).ToArray();
        for (int r = 0; r < repetitions; r++)
            for (int i = 0; i < operations.Count; i++)
            {
                int k = (i + r) % operations.Count;
                var watch = Stopwatch.StartNew();
                operations[k]();
                seconds[k][r] = watch.Elapsed.TotalSeconds;
            }
        return seconds;
    }
}
