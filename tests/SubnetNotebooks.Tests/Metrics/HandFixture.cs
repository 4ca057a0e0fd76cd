using SubnetNotebooks.Metrics;

namespace SubnetNotebooks.Tests.Metrics;

/// <summary>
/// 2 members, 4 samples, 3 classes, chosen so that every metric can be worked out by hand and no
/// confidence lies on a 15-bin edge (multiples of 1/15).
/// <code>
///            member A            member B            ensemble mean         label  mean pred
///  sample 0  [.65 .30 .05]  A→0  [.75 .20 .05]  B→0  [.70 .25 .05]          0     0 ✓ conf .70
///  sample 1  [.20 .75 .05]  A→1  [.40 .55 .05]  B→1  [.30 .65 .05]          1     1 ✓ conf .65
///  sample 2  [.50 .30 .20]  A→0  [.40 .30 .30]  B→0  [.45 .30 .25]          2     0 ✗ conf .45
///  sample 3  [.10 .60 .30]  A→1  [.20 .10 .70]  B→2  [.15 .35 .50]          2     2 ✓ conf .50
/// </code>
/// </summary>
static class HandFixture
{
    public static readonly float[][] A = [[.65f, .30f, .05f], [.20f, .75f, .05f], [.50f, .30f, .20f], [.10f, .60f, .30f]];
    public static readonly float[][] B = [[.75f, .20f, .05f], [.40f, .55f, .05f], [.40f, .30f, .30f], [.20f, .10f, .70f]];
    public static readonly int[] Labels = [0, 1, 2, 2];

    public static Predictions Build() =>
        new(A.Concat(B).SelectMany(r => r).ToArray(), 2, 4, 3, Labels);

    /// <summary>A one-member prediction from rows given as doubles.</summary>
    public static Predictions Single(double[][] rows, int[] labels) =>
        new(rows.SelectMany(r => r.Select(v => (float)v)).ToArray(), 1, rows.Length, rows[0].Length, labels);
}
