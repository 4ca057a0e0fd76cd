using System.Text.Json;
using SubnetNotebooks.Headless;

namespace SubnetNotebooks.NotebookTests.Notebooks;

/// <summary>Every notebook in notebooks/: committed clean, and runs without a cell error in the smoke profile.</summary>
public class NotebookFolderTests
{
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
    public async Task RunsWithoutACellError(string notebook)
    {
        var output = Repository.NewTempFolder("notebooks");
        var result = await NotebookRunner.RunAsync(Path.Combine(Repository.Notebooks, notebook), new NotebookRunOptions("smoke", output));
        Assert.True(result.Succeeded, result.ToString());
        Assert.True(result.CellsRun > 0, $"{notebook} has no code cells");
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
