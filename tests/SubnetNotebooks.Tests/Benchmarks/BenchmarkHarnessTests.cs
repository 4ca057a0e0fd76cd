using SubnetNotebooks.Benchmarks;

namespace SubnetNotebooks.Tests.Benchmarks;

public class BenchmarkHarnessTests
{
    [Fact]
    public void MedianOfOddAndEvenCounts()
    {
        Assert.Equal(3.0, BenchmarkHarness.Median([5.0, 1.0, 3.0]));
        Assert.Equal(2.5, BenchmarkHarness.Median([4.0, 1.0, 2.0, 3.0]));
        Assert.Throws<ArgumentException>(() => BenchmarkHarness.Median([]));
    }

    [Fact]
    public void SideBySideWarmsUpThenRotatesTheOrderEveryRepetition()
    {
        var calls = new List<string>();
        var seconds = BenchmarkHarness.SideBySide([() => calls.Add("a"), () => calls.Add("b"), () => calls.Add("c")], warmup: 1, repetitions: 3);
        // warm-up a b c; then rounds starting at a, b, c in turn
        Assert.Equal("abc" + "abc" + "bca" + "cab", string.Concat(calls));
        Assert.Equal(3, seconds.Length);
        Assert.All(seconds, s => Assert.Equal(3, s.Length));
        Assert.All(seconds.SelectMany(s => s), s => Assert.True(s >= 0));
    }

    [Fact]
    public void FigureMeetsItsTargetByKind()
    {
        Assert.True(new BenchmarkFigure("a", "x", 1.05, 1.05, TargetKind.AtMost, "", "").Met);
        Assert.False(new BenchmarkFigure("a", "x", 1.06, 1.05, TargetKind.AtMost, "", "").Met);
        Assert.True(new BenchmarkFigure("f", "x", 5.0, 5, TargetKind.AtLeast, "", "").Met);
        Assert.False(new BenchmarkFigure("f", "x", 4.9, 5, TargetKind.AtLeast, "", "").Met);
        Assert.Equal(">= 5", new BenchmarkFigure("f", "x", 4.9, 5, TargetKind.AtLeast, "", "").TargetText);
    }

    [Fact]
    public void MarkdownHasOneRowPerFigureAndMarksMisses()
    {
        var markdown = BenchmarkTable.Markdown([
            new("a", "masked / dense", 1.02, 1.05, TargetKind.AtMost, "10.20 ms", "10.00 ms"),
            new("b", "subnet | mc", 1.5, 1.3, TargetKind.AtMost, "1.50 s", "1.00 s", "deep 4.00"),
        ]);
        var lines = markdown.TrimEnd().Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.Equal("| a | masked / dense | 1.02 | &lt;= 1.05 | yes | 10.20 ms | 10.00 ms |  |", lines[2]);
        Assert.Equal("| b | subnet \\| mc | 1.50 | &lt;= 1.3 | **no** | 1.50 s | 1.00 s | deep 4.00 |", lines[3]);
    }

    [Fact]
    public void ThePyTorchReferenceScriptShipsWithTheLibrary()
    {
        var script = PyTorchReference.Script();
        Assert.Contains("nn.Conv2d(inputs, w, 3, padding=1, bias=False)", script);
        Assert.Contains("torch.set_num_threads(threads)", script);
    }

    [Fact]
    public void UnknownFiguresAndModelsAreRejectedWithTheFix()
    {
        var e = Assert.Throws<ArgumentException>(() => new BenchmarkSettings { Figures = ["z"] }.Validate());
        Assert.Contains("--only", e.Message);
        var m = Assert.Throws<ArgumentException>(() => new BenchmarkSettings { Model = "wrn" }.Validate());
        Assert.Contains("mlp, smallcnn or resnet18", m.Message);
        var c = Assert.Throws<ArgumentException>(() => new BenchmarkSettings { ConvolutionRepetitions = 0 }.Validate());
        Assert.Contains("repetitions", c.Message);
        var l = Assert.Throws<ArgumentException>(() => new BenchmarkSettings { Figures = ["a", "l"] }.Validate());
        Assert.Contains("subnet bench --only l", l.Message);
        new BenchmarkSettings { Figures = ["a", "l"], Launcher = ["subnet"] }.Validate();
    }
}
