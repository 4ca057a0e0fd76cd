// Runs the efficiency benchmarks (src/SubnetNotebooks/Benchmarks) and prints them as the Markdown table of BENCHMARKS.md.
// Usage: dotnet run -c Release --project tests/SubnetNotebooks.Benchmarks -- [--only a,b] [--repetitions N] [--warmup N]
//        [--training-repetitions N] [--threads N] [--model mlp|smallcnn] [--python PATH] [--out FILE]
using SubnetNotebooks.Benchmarks;

SubnetNotebooks.Training.TorchRuntime.Ensure();
var options = new Dictionary<string, string>();
for (int i = 0; i + 1 < args.Length; i += 2)
{
    if (!args[i].StartsWith("--"))
    {
        Console.Error.WriteLine($"Unexpected argument '{args[i]}'; options come in pairs such as --repetitions 15.");
        return 2;
    }
    options[args[i][2..]] = args[i + 1];
}
var defaults = new BenchmarkSettings();
int Int(string key, int fallback) => options.TryGetValue(key, out var v) ? int.Parse(v) : fallback;
var model = options.GetValueOrDefault("model", defaults.Model);
var settings = defaults with
{
    // Figure l starts the subnet CLI per oneDNN cap: `subnet bench --only l`.
    Figures = options.TryGetValue("only", out var only) ? only.Split(',', StringSplitOptions.TrimEntries) : defaults.Figures.Where(f => f != "l").ToArray(),
    Repetitions = Int("repetitions", defaults.Repetitions),
    Warmup = Int("warmup", defaults.Warmup),
    TrainingRepetitions = Int("training-repetitions", defaults.TrainingRepetitions),
    Threads = Int("threads", defaults.Threads),
    Model = model,
    Widths = model == "smallcnn" ? defaults.CnnWidths : defaults.Widths,
    Python = options.GetValueOrDefault("python", defaults.Python),
};
var figures = new List<BenchmarkFigure>();
foreach (var figure in new EfficiencyBenchmarks(settings).Run(id => Console.Error.WriteLine($"figure {id} ...")))
{
    figures.Add(figure);
    Console.Error.WriteLine($"  {figure.Name}: {BenchmarkTable.FormatRatio(figure.Ratio)} ({figure.TargetText})");
}
var markdown = BenchmarkTable.Markdown(figures);
Console.Write(markdown);
if (options.TryGetValue("out", out var path)) File.WriteAllText(path, markdown);
return 0;
