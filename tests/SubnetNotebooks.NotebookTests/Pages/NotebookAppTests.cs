using System.Diagnostics;
using System.Text.RegularExpressions;
using SubnetNotebooks.Pages;

namespace SubnetNotebooks.NotebookTests.Pages;

/// <summary>notebooks/apps: each notebook as a .NET 10 file-based app that writes an offline HTML page.</summary>
public class NotebookAppTests
{
    [Theory]
    [MemberData(nameof(Notebooks.NotebookFolderTests.AllNotebooks), MemberType = typeof(Notebooks.NotebookFolderTests))]
    public void TheCommittedAppIsWhatExportWritesFromItsNotebook(string notebook)
    {
        var path = Path.Combine(Repository.Notebooks, notebook);
        var app = NotebookApp.PathFor(path);
        Assert.True(File.Exists(app), $"{app} is missing: run ./subnet export notebooks/*.ipynb and commit notebooks/apps.");
        Assert.True(NotebookApp.Generate(path) == File.ReadAllText(app),
            $"{app} differs from what its notebook generates: run ./subnet export notebooks/*.ipynb and commit notebooks/apps.");
    }

    [Fact]
    public void NotebookSyntaxMapsToAPlainProgram()
    {
        var folder = Repository.NewTempFolder("app-export");
        var notebook = ThrowawayNotebook.Write(folder, "01-toy.ipynb",
            ThrowawayNotebook.Markdown("# Toy\nsome *prose*"),
            "#!import setup.csx\n#r \"nuget: Foo, 1.0.0\"\nusing System.Text;\nvar x = 1;\nx + 1",
            "var x = 2;\ndisplay(x);\nConsole.WriteLine(x.ToString());",
            "foreach (var i in new[] { x }) display(i);");
        var app = NotebookApp.Generate(notebook);

        Assert.Contains("#:project ../../src/SubnetNotebooks.Notebooks/SubnetNotebooks.Notebooks.csproj", app);
        Assert.DoesNotContain("#!import", app);
        Assert.DoesNotContain("#r ", app);
        // Usings at the top, before the first statement.
        Assert.True(app.IndexOf("using System.Text;", StringComparison.Ordinal) < app.IndexOf("TorchRuntime.Ensure();", StringComparison.Ordinal));
        Assert.Contains("page.Prose(\"\"\"\n    # Toy\n    some *prose*\n    \"\"\");", app);
        // The first cell's final expression is shown; the second cell's redeclared x becomes x2 from there on.
        Assert.Contains("page.Cell(1);\nvar x = 1;\npage.Show(x + 1);", app);
        Assert.Contains("page.Cell(2);\nvar x2 = 2;\ndisplay(x2);\nConsole.WriteLine(x2.ToString());", app);
        Assert.Contains("foreach (var i in new[] { x2 }) display(i);", app);
    }

    [Fact]
    public void TypesACellDeclaresMoveAfterTheTopLevelStatements()
    {
        var folder = Repository.NewTempFolder("app-export-types");
        var notebook = ThrowawayNotebook.Write(folder, "09-toy.ipynb",
            "var before = 1;",
            "sealed class Block\n{\n    public int Width => 3;\n}\n\nrecord Point(int X);\nvar block = new Block();\nblock.Width",
            "var after = new Point(before).X;");
        var app = NotebookApp.Generate(notebook);

        // The cell's statements stay in place (its final expression shown), its types go after every statement, in order.
        Assert.Contains("page.Cell(2);\nvar block = new Block();\npage.Show(block.Width);\n\npage.Cell(3);", app);
        int save = app.IndexOf("page.Save();", StringComparison.Ordinal), block = app.IndexOf("sealed class Block", StringComparison.Ordinal),
            point = app.IndexOf("record Point(int X);", StringComparison.Ordinal);
        Assert.True(save > 0 && block > save && point > block, $"types not after the statements:\n{app}");
        Assert.Single(Regex.Matches(app, "sealed class Block"));
        // As a plain C# file (not a script) the app parses without an error.
        var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(string.Join("\n", app.Split('\n').Where(l => !l.StartsWith("#:", StringComparison.Ordinal))));
        Assert.DoesNotContain(tree.GetDiagnostics(), d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
    }

    /// <summary>Runs notebooks/apps/<paramref name="name"/>.cs in the smoke profile and returns its page's HTML.</summary>
    internal static async Task<string> RunApp(string name) => File.ReadAllText(await RunAppPage(name));

    /// <summary>Runs notebooks/apps/<paramref name="name"/>.cs in the smoke profile and returns the path of its page.</summary>
    internal static async Task<string> RunAppPage(string name)
    {
        var runs = Repository.NewTempFolder("app-runs");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Repository.Root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "run", $"notebooks/apps/{name}.cs" }) start.ArgumentList.Add(a);
        start.Environment["SUBNET_PROFILE"] = "smoke";
        start.Environment["SUBNET_RUN_DIR"] = runs;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"dotnet run notebooks/apps/{name}.cs exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        var page = Path.Combine(runs, $"{name}.html");
        Assert.True(File.Exists(page), $"no page at {page}:\n{await stdout}");
        return page;
    }

    /// <summary>The text of the notebook's first Markdown heading, read from the .ipynb.</summary>
    static string Title(string notebook)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Notebooks, notebook)));
        var line = doc.RootElement.GetProperty("cells").EnumerateArray()
            .Where(c => c.GetProperty("cell_type").GetString() == "markdown")
            .SelectMany(c => c.GetProperty("source").ValueKind == System.Text.Json.JsonValueKind.Array
                ? c.GetProperty("source").EnumerateArray().Select(l => l.GetString() ?? "")
                : (c.GetProperty("source").GetString() ?? "").Split('\n'))
            .First(l => l.StartsWith("# ", StringComparison.Ordinal));
        return line[2..].Trim();
    }

    public static TheoryData<string> OtherNotebooks() =>
        new(Directory.GetFiles(Repository.Notebooks, "*.ipynb").Select(Path.GetFileName).OfType<string>()
            .Where(n => n != "04-ensembles-compared.ipynb").Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(OtherNotebooks))]
    public async Task EveryAppRunsInTheSmokeProfileAndWritesAnOfflinePage(string notebook)
    {
        var html = await RunApp(Path.GetFileNameWithoutExtension(notebook));
        Assert.Single(Regex.Matches(html, Regex.Escape("* plotly.js v")));
        Assert.DoesNotContain("cdn.plot.ly/plotly-", html);
        // The page's heading is the notebook's (Markdig escapes only & < > ").
        Assert.Contains($">{Title(notebook).Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;")}</h1>", html);
    }

    [Fact]
    public async Task TheEnsemblesAppWritesAnOfflinePageWithItsProseTablesAndCharts()
    {
        var html = await RunApp("04-ensembles-compared");
        Assert.Single(Regex.Matches(html, Regex.Escape("* plotly.js v")));
        Assert.DoesNotContain("cdn.plot.ly/plotly-", html);
        Assert.Contains("<h1 id=\"the-ensembles-compared\">04 · The ensembles compared</h1>", html);
        Assert.Contains("<table", html);
        Assert.Contains("profile smoke:", html);
        // One chart per training live chart and per chart cell of the notebook: far more than a handful.
        Assert.True(Regex.Matches(html, "newPlot\\(").Count >= 10, "fewer than 10 charts on the page");
        Assert.Contains("Reliability", html);
    }
}
