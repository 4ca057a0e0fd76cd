using System.Text.Json;
using SubnetNotebooks.Headless;

namespace SubnetNotebooks.NotebookTests.Headless;

public class NotebookRunnerTests
{
    [Fact]
    public async Task AGoodNotebookRunsInItsFolderWithTheProfileAndKeepsItsOutputs()
    {
        var folder = Repository.NewTempFolder("nb-good");
        var runDir = Path.Combine(folder, "out");
        var path = ThrowawayNotebook.Write(folder, "good.ipynb",
            ThrowawayNotebook.Markdown("# A good notebook"),
            "Console.WriteLine(\"hello\"); Console.Error.WriteLine(\"warning\");",
            "Console.WriteLine(Environment.GetEnvironmentVariable(\"SUBNET_PROFILE\") + \"|\" + Environment.GetEnvironmentVariable(\"SUBNET_RUN_DIR\") + \"|\" + System.IO.Directory.GetCurrentDirectory());",
            "40 + 2");
        var before = Directory.GetCurrentDirectory();

        var result = await NotebookRunner.RunAsync(path, new NotebookRunOptions("smoke", runDir));

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(3, result.CellsRun);
        Assert.Equal(Path.Combine(runDir, "good.ipynb"), result.ExecutedPath);
        Assert.Equal(before, Directory.GetCurrentDirectory());

        var hello = ThrowawayNotebook.Outputs(result.ExecutedPath, 2);
        Assert.Contains(hello, o => o.GetProperty("output_type").GetString() == "stream"
            && o.GetProperty("name").GetString() == "stdout" && ThrowawayNotebook.Text(o.GetProperty("text")) == "hello\n");
        Assert.Contains(hello, o => o.GetProperty("output_type").GetString() == "stream"
            && o.GetProperty("name").GetString() == "stderr" && ThrowawayNotebook.Text(o.GetProperty("text")) == "warning\n");

        var environment = ThrowawayNotebook.Text(ThrowawayNotebook.Outputs(result.ExecutedPath, 3)[0].GetProperty("text"));
        Assert.Equal($"smoke|{Path.GetFullPath(runDir)}|{folder}\n", environment);

        var answer = Assert.Single(ThrowawayNotebook.Outputs(result.ExecutedPath, 4));
        Assert.Equal("execute_result", answer.GetProperty("output_type").GetString());
        Assert.Contains("42", ThrowawayNotebook.Text(answer.GetProperty("data").EnumerateObject().First().Value));
        Assert.Equal(3, ThrowawayNotebook.Cells(result.ExecutedPath)[3].GetProperty("execution_count").GetInt32());
    }

    [Fact]
    public async Task ABrokenCellStopsTheNotebookAndIsNamedWithItsError()
    {
        var folder = Repository.NewTempFolder("nb-broken");
        var marker = Path.Combine(folder, "later-cell-ran.txt");
        var path = ThrowawayNotebook.Write(folder, "broken.ipynb",
            ThrowawayNotebook.Markdown("# A broken notebook"),
            "var before = 1;",
            "throw new InvalidOperationException(\"broken on purpose\");",
            $"System.IO.File.WriteAllText(@\"{marker}\", \"ran\");");

        var result = await NotebookRunner.RunAsync(path, new NotebookRunOptions("smoke", Path.Combine(folder, "out")));

        Assert.False(result.Succeeded);
        Assert.Equal(3, result.Failure!.Cell);
        Assert.Contains("broken on purpose", result.Failure.Error);
        Assert.Contains("broken.ipynb", result.ToString());
        Assert.Contains("cell 3", result.ToString());
        Assert.False(File.Exists(marker), "the cell after the failing one must not run");

        var error = Assert.Single(ThrowawayNotebook.Outputs(result.ExecutedPath, 3));
        Assert.Equal("error", error.GetProperty("output_type").GetString());
        Assert.Equal("InvalidOperationException", error.GetProperty("ename").GetString());
        Assert.Equal("broken on purpose", error.GetProperty("evalue").GetString());
        Assert.Empty(ThrowawayNotebook.Outputs(result.ExecutedPath, 4));
    }

    [Fact]
    public async Task ACompileErrorIsACellFailure()
    {
        var folder = Repository.NewTempFolder("nb-compile");
        var path = ThrowawayNotebook.Write(folder, "compile.ipynb", "int x = \"not a number\";");

        var result = await NotebookRunner.RunAsync(path, new NotebookRunOptions("smoke", Path.Combine(folder, "out")));

        Assert.Equal(1, result.Failure?.Cell);
        Assert.Contains("CS0029", result.Failure!.Error);
    }

    [Fact]
    public async Task AMissingAssemblyReferenceIsReportedBeforeAnyCellRuns()
    {
        var folder = Repository.NewTempFolder("nb-missing");
        var path = ThrowawayNotebook.Write(folder, "missing.ipynb", "#r \"../nowhere/Missing.dll\"", "1");

        var e = await Assert.ThrowsAsync<FileNotFoundException>(() =>
            NotebookRunner.RunAsync(path, new NotebookRunOptions("smoke", Path.Combine(folder, "out"))));

        Assert.Contains("../nowhere/Missing.dll", e.Message);
        Assert.Contains("dotnet build src/SubnetNotebooks.Notebooks -c Release", e.Message);
    }

    [Fact]
    public async Task RunAllRunsEveryNotebookEvenAfterAFailure()
    {
        var folder = Repository.NewTempFolder("nb-all");
        var bad = ThrowawayNotebook.Write(folder, "a-bad.ipynb", "throw new Exception(\"no\");");
        var good = ThrowawayNotebook.Write(folder, "b-good.ipynb", "1 + 1");

        var results = await NotebookRunner.RunAllAsync([bad, good], new NotebookRunOptions("smoke", Path.Combine(folder, "out")));

        Assert.Equal([false, true], results.Select(r => r.Succeeded));
        Assert.True(File.Exists(Path.Combine(folder, "out", "b-good.ipynb")));
        using var executed = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "out", "b-good.ipynb")));
        Assert.Equal(4, executed.RootElement.GetProperty("nbformat").GetInt32());
    }
}
