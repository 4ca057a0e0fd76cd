// Shared set-up for every notebook: its first code cell is `#!import setup.csx`.
// Works in VS Code Polyglot Notebooks, in Jupyter (.NET kernel) and in `subnet run`.
//
// Backend: CPU unless SUBNET_TORCH_BACKEND=cuda is set for the kernel, or the untracked file
// torch-backend.local at the repository root says cuda (build the kit with -p:TorchBackend=cuda too;
// see README.md#cuda). On a machine with an NVIDIA GPU and the CPU backend, this cell says so.
#r "nuget: Plotly.NET, 6.0.0"
#r "nuget: Plotly.NET.CSharp, 0.14.0"

// The kit itself, as built by: dotnet build src/SubnetNotebooks.Notebooks -c Release
// (a fresh clone has no build yet: then this cell stops with that command instead of a cascade of errors).
var subnetKit = System.IO.Path.GetFullPath(System.IO.Path.Combine("..", "src", "SubnetNotebooks.Notebooks", "bin", "Release", "net10.0"));
if (!System.IO.File.Exists(System.IO.Path.Combine(subnetKit, "SubnetNotebooks.Notebooks.dll")))
    throw new System.IO.FileNotFoundException(
        $"The kit is not built yet ({subnetKit} has no SubnetNotebooks.Notebooks.dll). " +
        "From the repository root run: dotnet build src/SubnetNotebooks.Notebooks -c Release " +
        "(or scripts/jupyter-kernel.sh install), then restart the kernel and run the notebook again.");

#!csharp
// A new submission, compiled only when the check above passed.
#r "../src/SubnetNotebooks.Notebooks/bin/Release/net10.0/SubnetNotebooks.dll"
#r "../src/SubnetNotebooks.Notebooks/bin/Release/net10.0/SubnetNotebooks.Notebooks.dll"
// The libtorch backend package (and a warning in this cell when an NVIDIA GPU would sit idle).
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
