// Shared set-up for every notebook: its first code cell is `#!import setup.csx`.
// Works in VS Code Polyglot Notebooks, in Jupyter (.NET kernel) and in `subnet run`.
//
// Backend: the CPU build of libtorch. On a CUDA machine swap the next line for
//   #r "nuget: TorchSharp-cuda-linux, 0.107.0"
// (and build the library with -p:TorchBackend=cuda; see README.md#cuda).
#r "nuget: TorchSharp-cpu, 0.107.0"
#r "nuget: Plotly.NET, 6.0.0"
#r "nuget: Plotly.NET.CSharp, 0.14.0"
// The kit itself, as built by: dotnet build src/SubnetNotebooks.Notebooks -c Release
#r "../src/SubnetNotebooks.Notebooks/bin/Release/net10.0/SubnetNotebooks.dll"
#r "../src/SubnetNotebooks.Notebooks/bin/Release/net10.0/SubnetNotebooks.Notebooks.dll"

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
