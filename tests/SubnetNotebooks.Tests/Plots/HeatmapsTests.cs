using System.Text.Json;
using SubnetNotebooks.Plots;

namespace SubnetNotebooks.Tests.Plots;

public class HeatmapsTests
{
    static double[][] Rows(JsonElement z) => z.EnumerateArray().Select(Figure.Numbers).ToArray();

    [Fact]
    public void MaskRowsAreUnitsAndColumnsAreMembers()
    {
        // 3 units, 2 members: unit 0 -> member 1, unit 1 -> member 2, unit 2 pruned.
        var mask = new float[,] { { 1, 0 }, { 0, 1 }, { 0, 0 } };
        var chart = Heatmaps.Mask("conv1", mask);
        var trace = Assert.Single(Figure.Traces(chart));

        Assert.Equal("heatmap", trace.GetProperty("type").GetString());
        var z = Rows(trace.GetProperty("z"));
        Assert.Equal(3, z.Length);
        Assert.Equal([1.0, 0.0], z[0]);
        Assert.Equal([0.0, 1.0], z[1]);
        Assert.Equal([0.0, 0.0], z[2]);
        Assert.Equal(["member 1", "member 2"], Figure.Strings(trace.GetProperty("x")));
        Assert.Equal("Unit", Figure.AxisTitle(chart, "yaxis"));
        Assert.Contains("conv1", Figure.Title(chart));
    }

    [Fact]
    public void PairwiseMatrixKeepsRowAndColumnOrder()
    {
        var matrix = new double[,] { { 0, 0.12, 0.2 }, { 0.12, 0, 0.05 }, { 0.2, 0.05, 0 } };
        var chart = Heatmaps.Pairwise("Pairwise disagreement", ["A", "B", "C"], matrix);
        var trace = Assert.Single(Figure.Traces(chart));

        var z = Rows(trace.GetProperty("z"));
        Assert.Equal([0.12, 0.0, 0.05], z[1]);
        Assert.Equal(["A", "B", "C"], Figure.Strings(trace.GetProperty("y")));
        Assert.Equal(["0", "0.12", "0.2", "0.12", "0", "0.05", "0.2", "0.05", "0"], Figure.Strings(trace.GetProperty("text")));
    }

    [Fact]
    public void PairwiseWritesEveryValueInItsCell()
    {
        var matrix = new double[,] { { 0, 0.1234 }, { 0.5, 0 } };
        var annotations = Figure.Of(Heatmaps.Pairwise("KL", ["A", "B"], matrix)).GetProperty("layout").GetProperty("annotations").EnumerateArray()
            .Select(a => (X: a.GetProperty("x").GetInt32(), Y: a.GetProperty("y").GetInt32(), Text: a.GetProperty("text").GetString())).ToArray();

        // Cell (row r, column c) is at x = c, y = r; values to three decimals.
        Assert.Equal([(0, 0, "0"), (1, 0, "0.123"), (0, 1, "0.5"), (1, 1, "0")], annotations);
    }

    [Fact]
    public void PairwiseRejectsAMatrixOfAnotherSize()
    {
        var e = Assert.Throws<ArgumentException>(() => Heatmaps.Pairwise("t", ["A", "B"], new double[3, 3]));
        Assert.Contains("matrix rows", e.Message);
    }
}
