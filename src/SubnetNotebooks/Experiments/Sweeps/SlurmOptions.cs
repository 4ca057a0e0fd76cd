using System.Text.Json;

namespace SubnetNotebooks.Experiments.Sweeps;

/// <summary>
/// What every task of a sweep asks Slurm for: partition, time limit, GPUs, CPUs and memory per task, account, any
/// further #SBATCH lines, and how many tasks of one array may run at once (0: no limit). Read from options or a JSON
/// file such as { "partition": "gpu", "time": "24:00:00", "gpus": 1, "cpus": 8, "mem": "32G" }.
/// </summary>
public sealed record SlurmOptions
{
    /// <summary>Partition the tasks run in (--partition); null or empty: the cluster's default.</summary>
    public string? Partition { get; init; }
    /// <summary>Time limit per task, Slurm's format (e.g. 24:00:00 or 1-00:00:00).</summary>
    public string? Time { get; init; }
    /// <summary>GPUs per task (--gres=gpu:N); 0 asks for none.</summary>
    public int Gpus { get; init; }
    /// <summary>CPUs per task; the task's libtorch uses as many threads.</summary>
    public int Cpus { get; init; } = 1;
    /// <summary>Memory per task, Slurm's format (e.g. 32G); null leaves the cluster's default.</summary>
    public string? Mem { get; init; }
    /// <summary>Account the tasks are charged to (--account); null or empty: the user's default.</summary>
    public string? Account { get; init; }
    /// <summary>Most tasks of one array running at once (the %N of --array); 0: no limit.</summary>
    public int MaxRunning { get; init; }
    /// <summary>Further directives, each written as one "#SBATCH &lt;line&gt;", e.g. "--qos=normal".</summary>
    public string[] Extra { get; init; } = [];

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Reads a --slurm-config file; an unknown field is an error naming it and the known ones.</summary>
    public static SlurmOptions Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"--slurm-config {path}: no such file. Write JSON such as {{ \"partition\": \"gpu\", \"time\": \"24:00:00\", \"gpus\": 1, \"cpus\": 8, \"mem\": \"32G\" }}.", path);
        try { return JsonSerializer.Deserialize<SlurmOptions>(File.ReadAllText(path), Json) ?? new SlurmOptions(); }
        catch (JsonException e)
        {
            throw new ArgumentException($"--slurm-config {path} is not valid: {e.Message} Known fields: partition, time, gpus, cpus, mem, account, maxRunning, extra.", e);
        }
    }
}
