using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using SubnetNotebooks.Experiments;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Cli.Commands;

/// <summary>
/// `subnet soak`: trains the cpu and cpu-cnn profiles' networks over and over beside a thread that forces garbage
/// collections, and counts native errors and rounds whose weights differ from a quiet reference (see <see cref="SoakCheck"/>).
/// Exit code 1 when any round faulted.
/// </summary>
public sealed class SoakCommand : Command<SoakCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--minutes <N>")]
        [Description("How long to soak, in minutes (default 5).")]
        public double? Minutes { get; init; }

        [CommandOption("--seconds <N>")]
        [Description("How long to soak, in seconds (instead of --minutes).")]
        public double? Seconds { get; init; }

        [CommandOption("--steps <N>")]
        [Description("SGD steps per round (default 50).")]
        public int Steps { get; init; } = 50;

        [CommandOption("--networks <LIST>")]
        [Description("Networks, comma-separated: mlp, mlp-fused, smallcnn, smallcnn-fused (default: all).")]
        public string? Networks { get; init; }

        [CommandOption("--optimizer <NAME>")]
        [Description("kit (default: the kit's SGD) or torchsharp (TorchSharp 0.107's own SGD, to see the fault the kit avoids).")]
        public string Optimizer { get; init; } = "kit";

        [CommandOption("--threads <N>")]
        [Description("libtorch CPU threads (default 2).")]
        public int Threads { get; init; } = 2;

        [CommandOption("--stop-on-fault")]
        [Description("End at the first crash or mismatch.")]
        public bool StopOnFault { get; init; }

        public override ValidationResult Validate()
        {
            if (Steps <= 0) return ValidationResult.Error("--steps must be > 0.");
            if (Optimizer is not ("kit" or "torchsharp")) return ValidationResult.Error($"--optimizer '{Optimizer}' is unknown: use kit or torchsharp.");
            if ((Minutes ?? 1) <= 0 || (Seconds ?? 1) <= 0) return ValidationResult.Error("--minutes and --seconds must be > 0.");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        TorchRuntime.SetThreads(settings.Threads);
        var all = SoakCheck.ProfileNetworks();
        var names = settings.Networks?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? all.Select(n => n.Name).ToArray();
        var unknown = names.Where(n => all.All(a => a.Name != n)).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentException($"--networks: {string.Join(", ", unknown)} unknown; use {string.Join(", ", all.Select(a => a.Name))}.");
        var networks = all.Where(n => names.Contains(n.Name)).ToArray();
        var duration = TimeSpan.FromSeconds(settings.Seconds ?? (settings.Minutes ?? 5) * 60);
        var optimizer = settings.Optimizer == "torchsharp" ? SoakOptimizer.TorchSharp : SoakOptimizer.Kit;
        AnsiConsole.MarkupLineInterpolated($"soak: {networks.Length} network(s), {settings.Steps} steps a round, {optimizer} SGD, {duration.TotalMinutes:0.#} min beside forced garbage collections");
        var faults = networks.ToDictionary(n => n.Name, _ => 0);
        var report = SoakCheck.Run(networks, duration, settings.Steps, optimizer, settings.StopOnFault, t =>
        {
            int now = t.Crashes + t.Mismatches;
            if (now > faults[t.Network])
                AnsiConsole.MarkupLineInterpolated($"[red]{t.Network}: fault in round {t.Rounds}[/] (first error: {t.FirstError ?? "none; the weights differ from the quiet reference"})");
            faults[t.Network] = now;
        }, cancellation);
        var table = new Table().AddColumns("network", "rounds", "steps", "crashes", "mismatches", "first error");
        foreach (var t in report.Networks)
            table.AddRow(Markup.Escape($"{t.Network} ({t.Description})"), $"{t.Rounds:N0}", $"{t.Steps:N0}", $"{t.Crashes}", $"{t.Mismatches}", Markup.Escape(t.FirstError ?? ""));
        AnsiConsole.Write(table);
        Console.WriteLine($"soak: {report.Networks.Sum(n => n.Steps):N0} steps in {report.Seconds:F0} s, {report.Collections:N0} forced collections, " +
                          $"{report.Networks.Sum(n => n.Crashes)} crashes, {report.Networks.Sum(n => n.Mismatches)} mismatches ({optimizer} SGD)");
        return report.Faults == 0 ? 0 : 1;
    }
}
