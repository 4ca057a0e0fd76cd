using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using SubnetNotebooks.Experiments;
using SubnetNotebooks.Experiments.Sweeps;

namespace SubnetNotebooks.Cli.Commands;

/// <summary>
/// `subnet sweep`: expands a study (grid x seeds x methods) into jobs in one folder and runs them with a pool of local
/// worker processes or as Slurm job arrays; rerunning it runs only what is unfinished. `--status DIR` shows each job's state.
/// </summary>
public sealed class SweepCommand : Command<SweepCommand.Settings>
{
    public sealed class Settings : ExperimentSettings
    {
        [CommandOption("--seeds <LIST>")]
        [Description("Comma-separated seeds, e.g. 0,1,2 (default: the profile's seed).")]
        public string? Seeds { get; init; }

        [CommandOption("--methods <LIST>")]
        [Description("Comma-separated methods (default: the profile's).")]
        public string? Methods { get; init; }

        [CommandOption("--grid <KEY=V1,V2>")]
        [Description("One axis of a grid of experiments, e.g. --grid lr=0.05,0.1 --grid members=2,4; list values with ';' (repeatable).")]
        public string[] Grid { get; init; } = [];

        [CommandOption("--engine <ENGINE>")]
        [Description("local (worker processes on this machine) or slurm (sbatch job arrays). Default: local.")]
        public string Engine { get; init; } = "local";

        [CommandOption("--slots <N>")]
        [Description("local: worker processes at once (default: GPUs on this machine, else 1).")]
        public int? Slots { get; init; }

        [CommandOption("--status <DIR>")]
        [Description("Show the state of every job of the sweep in DIR (done, running, pending, failed) and stop.")]
        public string? Status { get; init; }

        [CommandOption("--dry-run")]
        [Description("Plan the sweep and decide its execution (execution.json) without running it; slurm: write the sbatch scripts under DIR/slurm/ without submitting them.")]
        public bool DryRun { get; init; }

        [CommandOption("--slurm-config <FILE>")]
        [Description("JSON with partition, time, gpus, cpus, mem, account, maxRunning, extra; the options below override it.")]
        public string? SlurmConfig { get; init; }

        [CommandOption("--partition <NAME>")] [Description("slurm: partition.")] public string? Partition { get; init; }
        [CommandOption("--time <LIMIT>")] [Description("slurm: time limit per task, e.g. 24:00:00.")] public string? Time { get; init; }
        [CommandOption("--gpus <N>")] [Description("slurm: GPUs per task.")] public int? Gpus { get; init; }
        [CommandOption("--cpus <N>")] [Description("slurm: CPUs per task (the task's threads).")] public int? Cpus { get; init; }
        [CommandOption("--mem <SIZE>")] [Description("slurm: memory per task, e.g. 32G.")] public string? Mem { get; init; }
        [CommandOption("--account <NAME>")] [Description("slurm: account.")] public string? Account { get; init; }
        [CommandOption("--max-running <N>")] [Description("slurm: most tasks of one array at once.")] public int? MaxRunning { get; init; }

        public SlurmOptions Slurm()
        {
            var o = SlurmConfig is not null ? SlurmOptions.Load(SlurmConfig) : new SlurmOptions();
            return o with
            {
                Partition = Partition ?? o.Partition, Time = Time ?? o.Time, Gpus = Gpus ?? o.Gpus, Cpus = Cpus ?? o.Cpus,
                Mem = Mem ?? o.Mem, Account = Account ?? o.Account, MaxRunning = MaxRunning ?? o.MaxRunning,
            };
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        if (settings.Status is not null) return SweepStatusTable.Write(SweepPlan.Load(settings.Status));
        if (settings.Out is null) throw new ArgumentException("subnet sweep needs --out DIR: the sweep folder (rerun the same command with it to resume).");
        var config = settings.BuildConfig();
        var seeds = settings.Seeds is null ? [config.Seed] : SeedSweep.ParseSeeds(settings.Seeds);
        var methods = settings.Methods?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? config.Methods;
        var grid = SweepGrid.Expand(settings.Grid.Select(SweepGrid.ParseAxis).ToArray());
        var (plan, configs) = SweepPlan.Create(config, seeds, methods, grid, settings.Out);
        plan.Save(configs);
        AnsiConsole.MarkupLineInterpolated($"[bold]subnet sweep[/] {plan.Experiments.Count} experiment(s) x {seeds.Count} seed(s) x {methods.Length} method(s): {plan.Jobs.Count} jobs in {plan.Root}");
        var engine = settings.Engine.Trim().ToLowerInvariant();
        // execution=auto is decided once for the whole sweep, where the jobs' device is at hand (see SweepExecutions).
        foreach (var planned in SweepExecutions.Decide(plan, configs, c => engine == "local" || c.Device.Trim().ToLowerInvariant() == "cpu"))
            AnsiConsole.MarkupLineInterpolated($"execution {SweepExecutions.Describe(planned)}");
        foreach (var job in plan.Jobs.Where(j => j.DependsOn is not null && j.Stage == SweepStage.Method))
            AnsiConsole.MarkupLineInterpolated($"[grey]{job.Id} waits for {job.DependsOn} (budgetCurrency=seconds: MC dropout's measured seconds are its budget)[/]");
        switch (engine)
        {
            case "local" when settings.DryRun:
                AnsiConsole.MarkupLineInterpolated($"not run (--dry-run): the jobs are in {plan.JobsPath}; rerun without --dry-run to run them");
                return 0;
            case "local":
                int gpus = SweepHost.Gpus(config);
                var states = LocalPool.Run(plan, settings.Slots ?? Math.Max(1, gpus), SweepHost.Launcher(), gpus, settings.Threads ?? 0,
                    line => AnsiConsole.MarkupLineInterpolated($"[grey]{line}[/]"), cancellation);
                SweepStatusTable.Write(plan, states);
                return states.Values.All(s => s == JobState.Done) ? 0 : 1;
            case "slurm":
                var slurm = new SlurmEngine(plan);
                var (arrays, scripts) = slurm.Submit(settings.Slurm(), SweepHost.Launcher(), Environment.CurrentDirectory, settings.DryRun);
                foreach (var s in scripts) AnsiConsole.MarkupLineInterpolated($"wrote {s}");
                var waiting = arrays.Waiting.Count > 0 ? $"; {arrays.Waiting.Count} members job(s) wait for a parent still queued: rerun this command when it is done" : "";
                AnsiConsole.MarkupLineInterpolated($"{(settings.DryRun ? "not submitted (--dry-run)" : "submitted")}: train array {arrays.Train.Count} task(s), members array {arrays.Members.Count} task(s) after their parents{waiting}");
                if (!settings.DryRun)
                    foreach (var s in slurm.Submissions().TakeLast(scripts.Count))
                        AnsiConsole.MarkupLineInterpolated($"slurm job {s.SlurmJobId}: {s.Array} ({s.Jobs.Count} tasks)");
                AnsiConsole.MarkupLineInterpolated($"follow it with: subnet sweep --status {plan.Root}; then subnet collect {plan.Root}");
                return 0;
            default:
                throw new ArgumentException($"--engine {settings.Engine}: unknown engine; use local or slurm.");
        }
    }
}
