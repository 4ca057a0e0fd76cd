// Shared set-up for every notebook: its first code cell is `#!import setup.csx`.
// Works in VS Code Polyglot Notebooks, in Jupyter (.NET kernel) and in `subnet run`.
//
// The kit comes as NuGet packages, like any library: SubnetNotebooks.Interactive (which brings SubnetNotebooks,
// TorchSharp and Plotly.NET) from this checkout's local feed artifacts/packages/, which scripts/pack.sh makes with a
// version that changes with every commit. A fresh clone has no feed yet: then this cell stops with that command
// instead of a cascade of errors.
//
// Backend: CPU unless SUBNET_TORCH_BACKEND=cuda is set for the kernel, or the untracked file
// torch-backend.local at the repository root says cuda (see README.md#cuda). On a machine with an NVIDIA GPU and
// the CPU backend, this cell says so.
var subnetFeed = System.IO.Path.GetFullPath(System.IO.Path.Combine("..", "artifacts", "packages"));
var subnetVersionFile = System.IO.Path.Combine(subnetFeed, "SubnetNotebooks.version");
if (!System.IO.File.Exists(subnetVersionFile))
    throw new System.IO.FileNotFoundException(
        $"The kit's packages are not made yet ({subnetVersionFile} does not exist). " +
        "From the repository root run: scripts/pack.sh (or scripts/jupyter-kernel.sh install), then restart the kernel and run the notebook again.");
// #i and #r take literal text: this checkout's feed and version, submitted to the notebook's kernel.
var subnetLoad = $"#i \"nuget: {subnetFeed}\"\n#r \"nuget: SubnetNotebooks.Interactive, {System.IO.File.ReadAllText(subnetVersionFile).Trim()}\"";
Console.WriteLine(subnetLoad);
var subnetContext = Microsoft.DotNet.Interactive.KernelInvocationContext.Current;
var subnetLoaded = await subnetContext.HandlingKernel.RootKernel.SendAsync(
    new Microsoft.DotNet.Interactive.Commands.SubmitCode(subnetLoad, subnetContext.HandlingKernel.Name));
if (subnetLoaded.Events.OfType<Microsoft.DotNet.Interactive.Events.CommandFailed>().FirstOrDefault() is { } subnetFailure)
    throw new InvalidOperationException($"Loading the kit from {subnetFeed} failed: {subnetFailure.Message}\nRun scripts/pack.sh again, then restart the kernel.");

#!csharp
// A new submission, compiled now that the kit is referenced: the libtorch backend package (and a warning in this
// cell when an NVIDIA GPU would sit idle).
await SubnetNotebooks.Interactive.NotebookSetup.LoadAsync("..");

#!csharp
// A new submission (compiled now that the backend is referenced), whose usings every later cell sees.
using TorchSharp;
using static TorchSharp.torch;
using Plotly.NET;
using SubnetNotebooks.Plots;
using SubnetNotebooks.Interactive;
using SubnetNotebooks.Training;

// Makes libLibTorchSharp.so loadable on this machine before the first torch call.
TorchRuntime.Ensure();
// Charts render offline: plotly.js is inlined once, here.
NotebookCharts.Register();
