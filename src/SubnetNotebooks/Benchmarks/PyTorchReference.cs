using System.Diagnostics;
using System.Text.Json;

namespace SubnetNotebooks.Benchmarks;

/// <summary>What the PyTorch reference measured: its version, threads and the seconds of each timed step.</summary>
public sealed record PyTorchTiming(string Version, int Threads, double[] Seconds);

/// <summary>
/// Times the SmallCnn training step in PyTorch (the script ships inside this assembly) with the system Python, on the
/// same CPU and thread count. Debian's python3-torch provides it: scripts/install-deps.sh --bench.
/// </summary>
public static class PyTorchReference
{
    /// <summary>The Python that has Debian's packages (a pyenv python3 earlier on PATH lacks python3-torch).</summary>
    public const string DefaultPython = "/usr/bin/python3";

    /// <summary>The reference script's text.</summary>
    public static string Script()
    {
        using var stream = typeof(PyTorchReference).Assembly.GetManifestResourceStream("SubnetNotebooks.Benchmarks.smallcnn_step.py")
            ?? throw new InvalidOperationException("The PyTorch reference script is missing from the SubnetNotebooks assembly; rebuild the library.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Runs the reference and returns its timings.</summary>
    /// <param name="python">python executable with torch installed</param>
    /// <param name="threads">intra-op threads</param>
    /// <param name="warmup">untimed steps first</param>
    /// <param name="repetitions">timed steps</param>
    /// <param name="widths">SmallCnn block widths</param>
    /// <param name="batch">batch size</param>
    /// <param name="classes">classes of the head</param>
    /// <exception cref="InvalidOperationException">Python or torch is missing, or the script failed; the message says how to install it</exception>
    public static PyTorchTiming Measure(string python, int threads, int warmup, int repetitions, int[] widths, int batch, int classes)
    {
        var script = Path.Combine(Path.GetTempPath(), $"subnet-smallcnn-step-{Environment.ProcessId}.py");
        File.WriteAllText(script, Script());
        try
        {
            var info = new ProcessStartInfo(python)
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                ArgumentList = { script, $"{threads}", $"{warmup}", $"{repetitions}", string.Join(",", widths), $"{batch}", $"{classes}" },
            };
            info.Environment["OMP_NUM_THREADS"] = $"{threads}";
            Process process;
            try { process = Process.Start(info)!; }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException($"Cannot start {python} for the PyTorch reference: {e.Message}. Install it with scripts/install-deps.sh --bench, or pass --python.", e);
            }
            using (process)
            {
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                process.WaitForExit();
                if (process.ExitCode != 0)
                    throw new InvalidOperationException(
                        $"The PyTorch reference ({python}) exited with code {process.ExitCode}: {Last(stderr.Result)}. " +
                        "If torch is missing, install Debian's python3-torch (scripts/install-deps.sh --bench) or pass --python.");
                var json = JsonDocument.Parse(stdout.Result.Trim().Split('\n')[^1]).RootElement;
                return new PyTorchTiming(json.GetProperty("torch").GetString() ?? "?", json.GetProperty("threads").GetInt32(),
                    json.GetProperty("seconds").EnumerateArray().Select(s => s.GetDouble()).ToArray());
            }
        }
        finally
        {
            File.Delete(script);
        }
    }

    static string Last(string text)
    {
        var lines = text.Trim().Split('\n');
        return lines.Length == 0 ? "(no output)" : lines[^1].Trim();
    }
}
