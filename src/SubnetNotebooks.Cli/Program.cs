using SubnetNotebooks.Cli;
using SubnetNotebooks.Cli.Commands;
using Spectre.Console.Cli;

SubnetNotebooks.Training.TorchRuntime.Ensure();

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("subnet");
    config.PropagateExceptions();
    config.AddCommand<DatasetsCommand>("datasets")
        .WithDescription("List every known dataset: where it was found (or every place tried), splits, sample counts, classes, image shape.");
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
