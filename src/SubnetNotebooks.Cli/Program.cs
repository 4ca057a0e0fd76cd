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
        .WithExample("reproduce", "--dataset", "fashion-mnist", "--members", "4", "--methods", "single,mcdropout,deep,subnet", "--seed", "1", "--out", "runs/fm-seed1");
    config.AddCommand<ProfilesCommand>("profiles")
        .WithDescription("List every profile: dataset, model, M, epochs of every stage, optimiser, augmentation, OOD and shift sets, what it assumes.");
    config.AddCommand<PlanCommand>("plan")
        .WithDescription("Say what `reproduce` with the same options will do: every training run with epochs and steps, each method's parameters and FLOPs, the run folder, and the wall time estimated from timed steps on this device.")
        .WithExample("plan", "--profile", "paper-cifar10")
        .WithExample("plan", "--profile", "paper-cub200", "--set", "batchSize=32");
    config.AddCommand<BenchCommand>("bench").WithDescription("Measure the efficiency figures side by side (masked/dense step, training and inference cost vs MC dropout, kit vs PyTorch, memory, data pipeline).");
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
