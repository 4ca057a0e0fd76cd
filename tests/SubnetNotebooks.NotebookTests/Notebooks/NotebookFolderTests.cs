using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SubnetNotebooks.Headless;

namespace SubnetNotebooks.NotebookTests.Notebooks;

/// <summary>
/// Every notebook in notebooks/: committed clean, and runs without a cell error in the smoke profile, printing
/// well-formed findings.
/// </summary>
public partial class NotebookFolderTests
{
    /// <summary>One printed finding: "claim: yes|no — measured vs reference" (Finding.Sentence).</summary>
    [GeneratedRegex(@"^(?<claim>.+): (?<verdict>yes|no) — (?<measured>\S+(?: %)?) vs (?<reference>\S+(?: %)?)$")]
    private static partial Regex FindingSentence();

    /// <summary>The text a code cell printed to standard output, line by line, in the executed notebook.</summary>
    static IEnumerable<string> PrintedLines(JsonElement cell) =>
        cell.GetProperty("outputs").EnumerateArray()
            .Where(o => o.GetProperty("output_type").GetString() == "stream" && o.TryGetProperty("text", out _))
            .SelectMany(o => o.GetProperty("text") is { ValueKind: JsonValueKind.Array } lines
                ? lines.EnumerateArray().Select(l => l.GetString()!) : [o.GetProperty("text").GetString()!])
            .SelectMany(t => t.Split('\n')).Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0);

    /// <summary>
    /// The findings cell ("What this run shows": the code cell that prints RunFindings) of an executed notebook: every
    /// line it printed is a finding with a verdict and two numbers, none NaN (Finding refuses NaN, so a NaN metric fails
    /// the cell instead), and it printed at least one.
    /// </summary>
    static void AssertFindingsWellFormed(string notebook, string executedPath)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(executedPath));
        var cells = json.RootElement.GetProperty("cells").EnumerateArray()
            .Where(c => c.GetProperty("cell_type").GetString() == "code")
            .Where(c => string.Concat(c.GetProperty("source").EnumerateArray().Select(l => l.GetString())) is var source
                && source.Contains("RunFindings.", StringComparison.Ordinal) && source.Contains("Console.WriteLine(finding", StringComparison.Ordinal))
            .ToList();
        if (notebook == "00-setup-check.ipynb") { Assert.Empty(cells); return; }
        Assert.True(cells.Count == 1, $"{notebook}: {cells.Count} findings cells; expected one");
        var lines = PrintedLines(cells[0]).ToList();
        Assert.True(lines.Count > 0, $"{notebook}: the findings cell printed nothing");
        foreach (var line in lines)
        {
            var m = FindingSentence().Match(line);
            Assert.True(m.Success, $"{notebook}: not a finding (claim: yes|no — measured vs reference): {line}");
            foreach (var number in new[] { m.Groups["measured"].Value, m.Groups["reference"].Value })
                Assert.True(double.TryParse(number.TrimEnd('%').Trim().Replace(",", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && !double.IsNaN(value),
                    $"{notebook}: '{number}' is not a number in: {line}");
        }
    }

    public static TheoryData<string> AllNotebooks()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Repository.Notebooks, "*.ipynb").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(path));
        return data;
    }

    [Fact]
    public void TheFolderHasTheSetupCheck() =>
        Assert.Contains("00-setup-check.ipynb", Directory.GetFiles(Repository.Notebooks, "*.ipynb").Select(Path.GetFileName));

    [Theory]
    [MemberData(nameof(AllNotebooks))]
    public async Task RunsWithoutACellErrorAndPrintsWellFormedFindings(string notebook)
    {
        var output = Repository.NewTempFolder("notebooks");
        var result = await NotebookRunner.RunAsync(Path.Combine(Repository.Notebooks, notebook), new NotebookRunOptions("smoke", output));
        Assert.True(result.Succeeded, result.ToString());
        Assert.True(result.CellsRun > 0, $"{notebook} has no code cells");
        AssertFindingsWellFormed(notebook, result.ExecutedPath);
    }

    [Theory]
    [MemberData(nameof(AllNotebooks))]
    public void IsCommittedWithoutOutputsAsACSharpNotebook(string notebook)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Notebooks, notebook)));
        var root = json.RootElement;
        Assert.Equal(".net-csharp", root.GetProperty("metadata").GetProperty("kernelspec").GetProperty("name").GetString());
        Assert.Equal("C#", root.GetProperty("metadata").GetProperty("language_info").GetProperty("name").GetString());
        Assert.Equal("csharp", root.GetProperty("metadata").GetProperty("polyglot_notebook").GetProperty("kernelInfo").GetProperty("defaultKernelName").GetString());
        foreach (var cell in root.GetProperty("cells").EnumerateArray().Where(c => c.GetProperty("cell_type").GetString() == "code"))
        {
            Assert.Equal(0, cell.GetProperty("outputs").GetArrayLength());
            Assert.Equal(JsonValueKind.Null, cell.GetProperty("execution_count").ValueKind);
        }
    }
}
