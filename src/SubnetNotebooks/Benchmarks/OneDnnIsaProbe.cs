using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using SubnetNotebooks.Models;
using SubnetNotebooks.Training;
using static TorchSharp.torch;

namespace SubnetNotebooks.Benchmarks;

/// <summary>What a child process found at one oneDNN instruction-set cap.</summary>
/// <param name="Requested">the SUBNET_ONEDNN_ISA given to the child, or null for the kit's own choice</param>
/// <param name="Applied">the cap the child's <see cref="OneDnnIsa"/> set (null: none, oneDNN's own choice)</param>
/// <param name="Detected">the instruction set oneDNN reported using (its verbose "isa:" line), or null when it said nothing</param>
/// <param name="Kernels">oneDNN's implementations of the convolutions it ran, e.g. "jit:avx512_core", "gemm:jit"</param>
/// <param name="Check">the convolution check's result</param>
public sealed record IsaCheckReport(string? Requested, string? Applied, string? Detected, string[] Kernels, ConvolutionGradientCheck.Summary Check);

/// <summary>
/// oneDNN reads its instruction-set cap once per process, so everything that compares caps runs in child processes: the
/// `subnet onednn-probe` command started with SUBNET_ONEDNN_ISA set (<see cref="OneDnnIsa"/> turns it into
/// ONEDNN_MAX_CPU_ISA before libtorch loads). A check child runs <see cref="ConvolutionGradientCheck"/> with oneDNN's
/// verbose log on (which ISA and kernels ran) and exits; a step child (<see cref="StepChild"/>) times training steps on
/// request, so the parent can interleave several children step by step.
/// </summary>
public static class OneDnnIsaProbe
{
    /// <summary>The hidden CLI command that the children run.</summary>
    public const string Command = "onednn-probe";
    /// <summary>The caps compared: none (oneDNN's own choice), then AVX-512 (AVX512BW/VL/DQ), AVX2, AVX and SSE4.1.</summary>
    public static readonly string[] Isas = ["native", "AVX512_CORE", "AVX2", "AVX", "SSE41"];
    /// <summary>The networks a step child times: the cpu-cnn profile's SmallCnn and a small ResNet-18 (CIFAR stem), dropout off.</summary>
    public static readonly StepModel[] StepModels =
    [
        new("smallcnn", new ModelSpec("smallcnn", [16, 32, 64]), 1, 28, 128),
        new("resnet18", new ModelSpec("resnet18", [8, 16, 32, 64]), 3, 32, 64),
    ];
    const int Classes = 10;
    static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>A network a step child trains: one SGD step on a fixed random batch [Batch, Channels, Side, Side].</summary>
    public sealed record StepModel(string Name, ModelSpec Spec, int Channels, int Side, int Batch)
    {
        /// <summary>E.g. "SmallCnn[16,32,64] 1x28x28, batch 128".</summary>
        public string Description => $"{(Spec.Kind == "smallcnn" ? "SmallCnn" : "ResNet-18")}[{string.Join(",", Spec.Widths)}] {Channels}x{Side}x{Side}, batch {Batch}";
    }

    sealed record CheckMessage(string? Applied, ConvolutionGradientCheck.Summary Check);
    sealed record StepMessage(double Seconds);

    /// <summary>Child side: runs the convolution check with <paramref name="threads"/> libtorch threads and writes its result as one JSON line.</summary>
    public static void WriteCheck(int threads, TextWriter output)
    {
        TorchRuntime.Ensure();
        TorchRuntime.SetThreads(threads);
        var summary = ConvolutionGradientCheck.Summarize(ConvolutionGradientCheck.RunAll());
        output.WriteLine(JsonSerializer.Serialize(new CheckMessage(OneDnnIsa.Applied, summary), Json));
    }

    /// <summary>
    /// Child side: builds every <see cref="StepModels"/> network, writes a ready line, then for each line read (a model's
    /// name) runs one training step of that model and writes its seconds as one JSON line, until its input closes.
    /// </summary>
    public static void ServeSteps(int threads, TextReader input, TextWriter output)
    {
        TorchRuntime.Ensure();
        TorchRuntime.SetThreads(threads);
        var steps = new Dictionary<string, Func<double>>();
        var owned = new List<IDisposable>();
        foreach (var m in StepModels)
        {
            manual_seed(1);
            var model = ModelFactory.Create(m.Spec, m.Channels, m.Side, m.Side, Classes);
            var optimizer = Trainer.CreateOptimizer(model, new TrainingOptions { Epochs = 1, BatchSize = m.Batch, LearningRate = 0.05 });
            var x = randn([m.Batch, m.Channels, m.Side, m.Side]);
            var y = randint(0, Classes, [m.Batch]);
            model.train();
            owned.AddRange([model, optimizer, x, y]);
            steps[m.Name] = () =>
            {
                using var scope = NewDisposeScope();
                var watch = Stopwatch.StartNew();
                Trainer.Step(model, optimizer, x, y);
                return watch.Elapsed.TotalSeconds;
            };
        }
        output.WriteLine(JsonSerializer.Serialize(new StepMessage(0), Json));
        while (input.ReadLine() is { } line)
        {
            if (!steps.TryGetValue(line.Trim(), out var step))
                throw new ArgumentException($"Unknown step model '{line.Trim()}'; use one of {string.Join(", ", steps.Keys)}.");
            output.WriteLine(JsonSerializer.Serialize(new StepMessage(step()), Json));
        }
        foreach (var o in owned) o.Dispose();
    }

    /// <summary>Parent side: runs the convolution check in a child at cap <paramref name="isa"/> (null: the kit's own choice).</summary>
    /// <param name="launcher">the command that runs the subnet CLI, one word each</param>
    /// <param name="isa">a SUBNET_ONEDNN_ISA value ("native" or a oneDNN ISA name), or null to let the child choose as the kit does</param>
    /// <param name="threads">libtorch threads in the child</param>
    /// <param name="timeout">how long the child may take</param>
    /// <exception cref="InvalidOperationException">the child failed or reported nothing; the message holds its last error line</exception>
    public static IsaCheckReport Check(IReadOnlyList<string> launcher, string? isa, int threads, TimeSpan timeout)
    {
        using var process = Start(launcher, isa, threads, steps: false);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The oneDNN check child ({Describe(isa)}) did not finish in {timeout.TotalSeconds:0} s.");
        }
        process.WaitForExit();
        var lines = stdout.Result.Split('\n');
        var message = lines.Select(l => l.IndexOf("{\"Applied\"", StringComparison.Ordinal) is var at and >= 0 ? l[at..] : null)
            .LastOrDefault(l => l is not null);
        if (process.ExitCode != 0 || message is null)
            throw new InvalidOperationException($"The oneDNN check child ({Describe(isa)}) exited with code {process.ExitCode} and no result: {LastLine(stderr.Result)}");
        var result = JsonSerializer.Deserialize<CheckMessage>(message, Json)!;
        var detected = lines.Select(l => l.IndexOf(",isa:", StringComparison.Ordinal) is var at and >= 0 ? l[(at + 5)..].Trim() : null)
            .FirstOrDefault(l => l is not null);
        return new(isa, result.Applied, detected, lines.Select(ConvolutionKernel).OfType<string>().Distinct().Order().ToArray(), result.Check);
    }

    /// <summary>The implementation named by a oneDNN verbose line that executed a (de)convolution, else null.</summary>
    static string? ConvolutionKernel(string line)
    {
        if (!line.Contains("onednn_verbose", StringComparison.Ordinal) || !line.Contains(",exec,", StringComparison.Ordinal)) return null;
        var fields = line.Split(',');
        int at = Array.FindIndex(fields, f => f is "convolution" or "deconvolution");
        return at >= 0 && at + 1 < fields.Length ? fields[at + 1] : null;
    }

    /// <summary>A child that times training steps of <see cref="StepModels"/> at one cap, one step per request.</summary>
    public sealed class StepChild : IDisposable
    {
        readonly Process _process;
        readonly Task<string> _stderr;
        readonly TimeSpan _timeout;

        /// <summary>The cap requested (see <see cref="Check"/>).</summary>
        public string? Isa { get; }

        /// <summary>Starts the child and waits until its networks are built.</summary>
        public StepChild(IReadOnlyList<string> launcher, string? isa, int threads, TimeSpan timeout)
        {
            Isa = isa;
            _timeout = timeout;
            _process = Start(launcher, isa, threads, steps: true);
            _stderr = _process.StandardError.ReadToEndAsync();
            Read();
        }

        /// <summary>Seconds of one training step of the named model, timed in the child.</summary>
        public double Step(string model)
        {
            _process.StandardInput.WriteLine(model);
            _process.StandardInput.Flush();
            return Read();
        }

        double Read()
        {
            var line = _process.StandardOutput.ReadLineAsync();
            if (!line.Wait(_timeout) || line.Result is not { } text)
            {
                if (!_process.HasExited) _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
                throw new InvalidOperationException($"The oneDNN step child ({Describe(Isa)}) stopped answering (exit code {_process.ExitCode}): {LastLine(_stderr.Result)}");
            }
            return JsonSerializer.Deserialize<StepMessage>(text, Json)!.Seconds;
        }

        /// <summary>Closes the child's input, so it exits; kills it if it does not.</summary>
        public void Dispose()
        {
            try { _process.StandardInput.Close(); } catch (IOException) { }
            if (!_process.WaitForExit(_timeout)) _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }
    }

    static Process Start(IReadOnlyList<string> launcher, string? isa, int threads, bool steps)
    {
        if (launcher.Count == 0) throw new ArgumentException("The oneDNN probe needs the command that runs the subnet CLI (run it through `subnet bench`).");
        var info = new ProcessStartInfo(launcher[0])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var word in launcher.Skip(1).Concat([Command, "--threads", threads.ToString()])) info.ArgumentList.Add(word);
        if (steps) info.ArgumentList.Add("--steps");
        // The child decides its cap from SUBNET_ONEDNN_ISA alone: a cap that this process set (or inherited) must not leak in.
        foreach (var name in new[] { OneDnnIsa.Variable, "DNNL_MAX_CPU_ISA", OneDnnIsa.Setting, "ONEDNN_VERBOSE", "DNNL_VERBOSE" }) info.Environment.Remove(name);
        if (isa is not null) info.Environment[OneDnnIsa.Setting] = isa;
        if (!steps) info.Environment["ONEDNN_VERBOSE"] = "1";
        return Process.Start(info) ?? throw new InvalidOperationException($"Cannot start {launcher[0]} for the oneDNN probe.");
    }

    static string Describe(string? isa) => isa is null ? "the kit's choice" : $"{OneDnnIsa.Setting}={isa}";

    static string LastLine(string text) => text.Trim().Split('\n') is { Length: > 0 } lines && lines[^1].Length > 0 ? lines[^1].Trim() : "(no error output)";
}
