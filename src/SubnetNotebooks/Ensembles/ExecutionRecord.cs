using System.Text.Json;
using System.Text.Json.Nodes;
using SubnetNotebooks.Models;
using SubnetNotebooks.Training;
using static TorchSharp.torch;

namespace SubnetNotebooks.Ensembles;

/// <summary>
/// The execution choices that execution=auto made by timing, kept in execution.json files and reused, so that a choice made once
/// from timings is never made again from other timings: every later seed, resume, notebook and sweep job of the same
/// configuration (<see cref="Key"/>: device, network, widths, input, M, batch size) trains in the same formulation, however busy
/// the machine is. A record reads its files in order (the run folder's, then the study's: the seeds' root, the sweep folder) and
/// writes a new choice into every one of them. Choosing holds a lock file beside the last file, so two processes that reach the
/// same configuration at once time it once.
/// </summary>
public sealed class ExecutionRecord
{
    /// <summary>The file name of a record: execution.json.</summary>
    public const string FileName = "execution.json";

    readonly string[] _files;

    /// <param name="files">execution.json files, read first to last; a new choice is written into all of them</param>
    /// <param name="stepTimer">times one training step of a candidate: runs the action (warm-up and timed repetitions) and returns the
    /// seconds of one step (null: <see cref="ExecutionChoice.MedianStepSeconds"/>)</param>
    public ExecutionRecord(IEnumerable<string> files, Func<Action, double>? stepTimer = null)
    {
        _files = files.Select(Path.GetFullPath).Distinct().ToArray();
        if (_files.Length == 0) throw new ArgumentException("An execution record needs at least one execution.json path.", nameof(files));
        StepTimer = stepTimer ?? ExecutionChoice.MedianStepSeconds;
    }

    /// <summary>The record of one folder: &lt;folder&gt;/execution.json.</summary>
    public static ExecutionRecord In(string folder, Func<Action, double>? stepTimer = null) => new([Path.Combine(folder, FileName)], stepTimer);

    /// <summary>The files read, first to last.</summary>
    public IReadOnlyList<string> Files => _files;
    /// <summary>Times one training step of a candidate (injectable, e.g. to prove that a recorded choice wins over new timings).</summary>
    public Func<Action, double> StepTimer { get; }

    /// <summary>
    /// The configuration a choice is valid for: the device, the parent network's type, widths and input shape, M and the batch size,
    /// e.g. "cpu|SmallCnn|16-32-64|1x28x28|M4|batch128".
    /// </summary>
    public static string Key(Device device, PrunableModel parent, int members, int batchSize) =>
        $"{device}|{parent.GetType().Name}|{string.Join("-", parent.UnitGroups.Select(g => g.Units))}|{parent.Channels}x{parent.Height}x{parent.Width}|M{members}|batch{batchSize}";

    /// <summary>The recorded choice for <paramref name="key"/> in the first file that has one, or null.</summary>
    public ExecutionChoice? Find(string key)
    {
        foreach (var file in _files)
            if (Read(file).TryGetValue(key, out var choice)) return choice;
        return null;
    }

    /// <summary>
    /// The recorded choice for <paramref name="key"/>, or the one <paramref name="measure"/> makes now, which is then recorded in every
    /// file (so the run folder keeps its own copy). The lookup and the measurement happen under one lock.
    /// </summary>
    public ExecutionChoice Choose(string key, Func<ExecutionChoice> measure, CancellationToken cancellation = default)
    {
        using var held = TrainingLock.Acquire(_files[^1] + ".lock", $"The execution record {_files[^1]}", wait: true, cancellation: cancellation);
        if (Find(key) is { } recorded)
        {
            foreach (var file in _files) Write(file, key, recorded); // a run folder reusing the study's choice keeps a copy
            return recorded;
        }
        var chosen = measure();
        foreach (var file in _files) Write(file, key, chosen);
        return chosen;
    }

    /// <summary>Every choice in <paramref name="file"/> (empty when it does not exist); a file that is not a record is an error naming it.</summary>
    public static IReadOnlyDictionary<string, ExecutionChoice> Read(string file)
    {
        if (!File.Exists(file)) return new Dictionary<string, ExecutionChoice>();
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(file))?.AsObject() ?? throw new JsonException("empty document");
            var choices = new Dictionary<string, ExecutionChoice>();
            foreach (var (key, node) in root)
            {
                var entry = node!.AsObject();
                var used = ExecutionChoice.Parse((string)entry["used"]!);
                var steps = (entry["stepMs"]?.AsObject() ?? []).ToDictionary(p => ExecutionChoice.Parse(p.Key), p => (double)p.Value! / 1000);
                choices[key] = new ExecutionChoice(used, steps, Recorded: true);
            }
            return choices;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or FormatException or NullReferenceException)
        {
            throw new InvalidDataException($"{file} is not an execution record ({e.Message}). Delete it to time the executions again.", e);
        }
    }

    static void Write(string file, string key, ExecutionChoice choice)
    {
        var root = File.Exists(file) ? JsonNode.Parse(File.ReadAllText(file))?.AsObject() ?? [] : new JsonObject();
        if (root[key] is JsonObject existing && (string?)existing["used"] == ExecutionChoice.NameOf(choice.Used)) return;
        var steps = new JsonObject();
        foreach (var (candidate, seconds) in choice.StepSeconds) steps[ExecutionChoice.NameOf(candidate)] = seconds * 1000;
        root[key] = new JsonObject { ["used"] = ExecutionChoice.NameOf(choice.Used), ["stepMs"] = steps, ["decided"] = DateTime.UtcNow.ToString("O") };
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        AtomicFile.WriteText(file, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
