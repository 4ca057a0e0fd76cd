using SubnetNotebooks.Cli;
using SubnetNotebooks.Cli.Commands;
using Spectre.Console.Cli;

SubnetNotebooks.Training.TorchRuntime.Ensure();
// Logs and CI capture wide tables whole instead of wrapping them at 80 columns.
if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 180;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("subnet");
    config.PropagateExceptions();
    config.AddCommand<DatasetsCommand>("datasets")
        .WithDescription("List every known dataset: where it was found (or every place tried), splits, sample counts, classes, image shape.");
    config.AddCommand<ReproduceCommand>("reproduce")
        .WithDescription("Train and evaluate single, MC dropout, deep ensemble and subnetwork ensemble; write the run folder (config, metrics, predictions, checkpoints, report).")
        .WithExample("reproduce", "--profile", "smoke")
        .WithExample("reproduce", "--dataset", "fashion-mnist", "--members", "4", "--methods", "single,mcdropout,deep,subnet", "--seed", "1", "--out", "runs/fm-seed1")
        .WithExample("reproduce", "--profile", "cpu-cnn", "--seeds", "0,1,2", "--out", "runs/cpu-cnn");
    config.AddCommand<SweepCommand>("sweep")
        .WithDescription("Expand a study (grid x seeds x methods) into jobs and run them: a pool of local worker processes (one per GPU) or Slurm job arrays; --status DIR shows each job.")
        .WithExample("sweep", "--profile", "smoke", "--seeds", "0,1", "--methods", "single,subnet", "--out", "runs/sweep", "--engine", "local", "--slots", "2")
        .WithExample("sweep", "--profile", "paper", "--seeds", "0,1,2", "--engine", "slurm", "--partition", "gpu", "--gpus", "1", "--cpus", "8", "--time", "24:00:00", "--out", "runs/paper-sweep");
    config.AddCommand<SweepTaskCommand>("sweep-task").WithDescription("Run one job of a sweep (what each worker process and Slurm task calls).");
    config.AddCommand<OneDnnProbeCommand>(SubnetNotebooks.Benchmarks.OneDnnIsaProbe.Command).IsHidden()
        .WithDescription("Check convolution gradients, or time training steps, at the oneDNN cap SUBNET_ONEDNN_ISA names (what `bench --only l` starts per cap).");
    config.AddCommand<CollectCommand>("collect").WithDescription("Merge every finished run folder of a sweep into each experiment's summary (mean ± std over seeds) and one report.html; list the unfinished jobs.");
    config.AddCommand<ProfilesCommand>("profiles")
        .WithDescription("List every profile: dataset, model, M, epochs of every stage, optimiser, augmentation, OOD and shift sets, what it assumes.");
    config.AddCommand<PlanCommand>("plan")
        .WithDescription("Say what `reproduce` with the same options will do: every training run with epochs and steps, each method's parameters and FLOPs, the run folder, and the wall time estimated from timed steps on this device.")
        .WithExample("plan", "--profile", "paper-cifar10")
        .WithExample("plan", "--profile", "paper-cub200", "--set", "batchSize=32");
    config.AddCommand<SoakCommand>("soak")
        .WithDescription("Train the cpu and cpu-cnn networks again and again beside forced garbage collections; count native errors and weights that differ from a quiet run.")
        .WithExample("soak", "--minutes", "30");
    config.AddCommand<BenchCommand>("bench").WithDescription("Measure the efficiency figures side by side (masked/dense step, training and inference cost vs MC dropout, kit vs PyTorch, memory, data pipeline).");
    config.AddCommand<ExportWeightsCommand>("export-weights")
        .WithDescription("Export every trained single, MC dropout, deep-ensemble and subnetwork member of a run folder as PyTorch state dicts with a manifest.")
        .WithExample("export-weights", "runs/cpu-fashion-mnist-m4-seed0", "--out", "weights/fm");
    config.AddCommand<FiguresCommand>("figures")
        .WithDescription("Write every chart of a run folder (or seed summary folder) as a publication figure (fixed size, no toolbar) into RUN_DIR/figures/, rendered offline by headless Chromium.")
        .WithExample("figures", "runs/smoke", "--format", "svg");
    config.AddCommand<ExportCommand>("export").WithDescription("Write each notebook as a .NET 10 file-based app (notebooks/apps/NN-name.cs) that writes an offline HTML page.");
    config.AddCommand<RunCommand>("run").WithDescription("Execute notebooks headlessly (in-process C# kernel) and write the executed .ipynb files with their outputs.");
});

try
{
    return await app.RunAsync(args);
}
catch (Exception e) when (e is not OutOfMemoryException)
{
    return CliErrors.Report(e);
}
