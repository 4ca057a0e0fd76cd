using SubnetNotebooks.Experiments;

namespace SubnetNotebooks.Tests.Experiments;

public class SeedSummaryTableTests
{
    static readonly SummaryColumn TrainSeconds = SeedSummaryTable.Columns.Single(c => c.Header == "train s");

    [Theory]
    [InlineData(249.4, 24.2, "249 ± 24")]
    [InlineData(61.09, 5.31, "61 ± 5")]
    [InlineData(3.26, 0.41, "3.3 ± 0.4")]
    [InlineData(0.432, 0.051, "0.43 ± 0.05")]
    public void SecondsKeepTheirSignificantDigitsFromAMinuteDownToASmokeRun(double mean, double std, string expected)
    {
        Assert.Equal(expected, SeedSummaryTable.Cell(new SeedStatistic(mean, std, 2), TrainSeconds));
    }

    [Fact]
    public void OtherColumnsKeepTheirFixedFormat()
    {
        var nll = SeedSummaryTable.Columns.Single(c => c.Header == "NLL");
        var accuracy = SeedSummaryTable.Columns.Single(c => c.Header == "accuracy %");
        Assert.Equal("0.3271 ± 0.0026", SeedSummaryTable.Cell(new SeedStatistic(0.32714, 0.00262, 3), nll));
        Assert.Equal("88.37 ± 0.09", SeedSummaryTable.Cell(new SeedStatistic(0.88372, 0.00091, 3), accuracy));
        Assert.Equal("-", SeedSummaryTable.Cell(null, nll));
    }
}
