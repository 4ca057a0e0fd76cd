using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using SubnetNotebooks.Benchmarks;

namespace SubnetNotebooks.Cli.Commands;

/// <summary>
/// `subnet bench`: the efficiency figures of the paper measured side by side in one run (see BENCHMARKS.md): masked vs
/// dense step, subnetwork-ensemble vs MC-dropout training and inference, the kit vs PyTorch, memory over epochs and
/// data-pipeline throughput, oneDNN's instruction-set caps. Prints a table; --markdown also writes it as Markdown.
/// </summary>
public sealed class BenchCommand : Command<BenchCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--only <IDS>")]
        [Description("Figures to run, comma-separated: a (masked step), b (training cost), c (inference), d (PyTorch), e (memory), f (data pipeline), g (fused ResNet-18 / parent), h (fused / thin ResNet-18 members), i (CIFAR pipeline / ResNet-18), j (fused WRN / parent), k (fused MLP / dense), l (oneDNN instruction sets: convolution gradients and step times per cap), s (kit SGD / TorchSharp SGD step). Default: all.")]
        public string? Only { get; init; }

        [CommandOption("--repetitions <N>")]
        [Description("Timed repetitions per step-level figure; the median counts (default 15).")]
        public int? Repetitions { get; init; }

        [CommandOption("--warmup <N>")]
        [Description("Untimed warm-up runs before timing (default 3).")]
        public int? Warmup { get; init; }

        [CommandOption("--training-repetitions <N>")]
        [Description("Timed repetitions of the training-cost figure b (default 1).")]
        public int? TrainingRepetitions { get; init; }

        [CommandOption("--threads <N>")]
        [Description("libtorch CPU threads, also given to PyTorch (default 2).")]
        public int? Threads { get; init; }

        [CommandOption("--model <KIND>")]
        [Description("Model of figures a, b, c, e, f: mlp (default, 784-512-512-10), smallcnn or resnet18.")]
        public string? Model { get; init; }

        [CommandOption("--widths <LIST>")]
        [Description("Widths of that model, comma-separated (default 512,512 for mlp, 32,64,128 for smallcnn, 16,32,64,128 for resnet18).")]
        public string? Widths { get; init; }

        [CommandOption("--python <PATH>")]
        [Description("Python with torch for figure d (default /usr/bin/python3, Debian's python3-torch).")]
        public string? Python { get; init; }

        [CommandOption("--markdown <FILE>")]
        [Description("Also write the table as Markdown to this file.")]
        public string? Markdown { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var defaults = new BenchmarkSettings();
        var model = settings.Model?.Trim().ToLowerInvariant() ?? defaults.Model;
        var bench = defaults with
        {
            Figures = settings.Only?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToLowerInvariant()).ToArray() ?? defaults.Figures,
            Repetitions = settings.Repetitions ?? defaults.Repetitions,
            Warmup = settings.Warmup ?? defaults.Warmup,
            TrainingRepetitions = settings.TrainingRepetitions ?? defaults.TrainingRepetitions,
            Threads = settings.Threads ?? defaults.Threads,
            Model = model,
            Widths = settings.Widths is { } w ? w.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray()
                : model switch { "smallcnn" => defaults.CnnWidths, "resnet18" => [16, 32, 64, 128], _ => defaults.Widths },
            Python = settings.Python ?? defaults.Python,
            Launcher = SweepHost.Launcher(),
        };
        bench.Validate();
        var figures = new List<BenchmarkFigure>();
        AnsiConsole.Status().Start("Benchmarking", status =>
        {
            foreach (var figure in new EfficiencyBenchmarks(bench).Run(id => status.Status($"Benchmarking figure {id} ...")))
            {
                figures.Add(figure);
                AnsiConsole.MarkupLineInterpolated($"[grey]{figure.Id}: {figure.Name}: {BenchmarkTable.FormatRatio(figure.Ratio)}[/]");
            }
        });

        var table = new Table().Border(TableBorder.Rounded).AddColumns("", "Figure", "Ratio", "Target", "Met", "Numerator", "Denominator");
        foreach (var f in figures)
            table.AddRow(f.Id, Markup.Escape(f.Name), BenchmarkTable.FormatRatio(f.Ratio), Markup.Escape(f.TargetText),
                f.Kind == TargetKind.Reported ? "-" : f.Met ? "[green]yes[/]" : "[red]no[/]", f.Numerator, f.Denominator);
        AnsiConsole.Write(table);
        foreach (var f in figures.Where(f => f.Notes.Length > 0))
            AnsiConsole.MarkupLineInterpolated($"[grey]{f.Id}: {f.Notes}[/]");
        AnsiConsole.MarkupLineInterpolated($"[grey]{Machine()}, {Environment.ProcessorCount} logical CPUs, {bench.Threads} libtorch threads; every ratio measured side by side in this run (medians).[/]");
        AnsiConsole.MarkupLineInterpolated($"[grey]command: subnet {string.Join(' ', Environment.GetCommandLineArgs().Skip(1))}[/]");
        if (settings.Markdown is { } path)
        {
            File.WriteAllText(path, BenchmarkTable.Markdown(figures));
            AnsiConsole.MarkupLineInterpolated($"Markdown table written to {path}");
        }
        return 0;
    }

    /// <summary>The CPU model (from /proc/cpuinfo where there is one) and the operating system.</summary>
    static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim()
            : null;
        return $"{cpu ?? System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString()}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
    }
}
