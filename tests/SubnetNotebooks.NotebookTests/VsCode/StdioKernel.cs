using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace SubnetNotebooks.NotebookTests.VsCode;

/// <summary>One event envelope from the kernel: its eventType, its event object, and the token of the command it answers.</summary>
sealed record KernelEvent(string Type, JsonElement Event, string? Token)
{
    /// <summary>The text/html values of a display or return-value event (empty for other events).</summary>
    public IEnumerable<string> Html => Event.TryGetProperty("formattedValues", out var values)
        ? values.EnumerateArray().Where(v => v.GetProperty("mimeType").GetString() == "text/html").Select(v => v.GetProperty("value").GetString() ?? "")
        : [];

    /// <summary>The valueId of a display event, or null.</summary>
    public string? ValueId => Event.TryGetProperty("valueId", out var id) ? id.GetString() : null;
}

/// <summary>
/// The kernel as the Polyglot Notebooks extension starts it: the command line of
/// .vscode/settings.json with the extension's substitutions ({dotnet_path}, {working_dir},
/// {global_storage_path}), spoken to in stdio mode, one JSON envelope per line.
/// </summary>
sealed class StdioKernel : IDisposable
{
    readonly Process _process;
    readonly Channel<KernelEvent> _events = Channel.CreateUnbounded<KernelEvent>();
    readonly StringBuilder _stderr = new();
    int _commands;

    StdioKernel(Process process)
    {
        _process = process;
        _ = Task.Run(ReadEventsAsync);
        _process.ErrorDataReceived += (_, e) => { lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.BeginErrorReadLine();
    }

    /// <summary>What the kernel wrote to stderr so far.</summary>
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>The extension's setting (kernelTransportArgs or kernelTransportWorkingDirectory) from .vscode/settings.json, of section "dotnet-interactive" or "polyglot-notebook".</summary>
    public static JsonNode Setting(string section, string name)
    {
        var path = Path.Combine(Repository.Root, ".vscode", "settings.json");
        var settings = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        return settings[$"{section}.{name}"] ?? throw new InvalidOperationException($"{path} has no \"{section}.{name}\".");
    }

    /// <summary>The process the extension would start for a notebook in <paramref name="notebookFolder"/>: (command, arguments, working directory).</summary>
    public static (string Command, string[] Arguments, string WorkingDirectory) CommandLine(string notebookFolder, string globalStorage)
    {
        // As the extension's processArguments: each {key} replaced once per argument.
        string Substitute(string template) => template
            .Replace("{dotnet_path}", DotnetPath()).Replace("{global_storage_path}", globalStorage).Replace("{working_dir}", notebookFolder);
        var args = Setting("dotnet-interactive", "kernelTransportArgs").AsArray().Select(a => Substitute(a!.GetValue<string>())).ToArray();
        var workingDirectory = Substitute(Setting("dotnet-interactive", "kernelTransportWorkingDirectory").GetValue<string>());
        return (args[0], args[1..], workingDirectory);
    }

    /// <summary>Starts the kernel for a notebook in <paramref name="notebookFolder"/> and waits for KernelReady.</summary>
    public static async Task<StdioKernel> StartAsync(string notebookFolder, IReadOnlyDictionary<string, string> environment)
    {
        var (command, arguments, workingDirectory) = CommandLine(notebookFolder, Repository.NewTempFolder("vscode-storage"));
        var start = new ProcessStartInfo(command)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        start.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        var kernel = new StdioKernel(Process.Start(start)!);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            while (true)
            {
                var e = await kernel._events.Reader.ReadAsync(timeout.Token);
                if (e.Type == "KernelReady") return kernel;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            kernel.Dispose();
            throw new InvalidOperationException($"The kernel ({command} {string.Join(' ', arguments)}) sent no KernelReady. stderr:\n{kernel.Stderr}");
        }
    }

    /// <summary>
    /// Sends a SubmitCode envelope as the extension does for a cell, and returns every event up to the
    /// CommandSucceeded or CommandFailed that answers it.
    /// </summary>
    public async Task<IReadOnlyList<KernelEvent>> SubmitCodeAsync(string code, int cellIndex, string kernelName = "csharp")
    {
        var token = $"vscode-{Interlocked.Increment(ref _commands)}";
        var envelope = new JsonObject
        {
            ["commandType"] = "SubmitCode",
            ["command"] = new JsonObject { ["code"] = code, ["targetKernelName"] = kernelName, ["parameters"] = new JsonObject { ["cellIndex"] = cellIndex.ToString() } },
            ["routingSlip"] = new JsonArray(),
            ["token"] = token,
        };
        await _process.StandardInput.WriteLineAsync(envelope.ToJsonString());
        await _process.StandardInput.FlushAsync();
        var events = new List<KernelEvent>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        while (true)
        {
            KernelEvent e;
            try { e = await _events.Reader.ReadAsync(timeout.Token); }
            catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
            {
                throw new InvalidOperationException($"No completion event for cell {cellIndex} (token {token}). stderr:\n{Stderr}");
            }
            events.Add(e);
            if (e.Token == token && e.Type is "CommandSucceeded" or "CommandFailed") return events;
        }
    }

    async Task ReadEventsAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (!root.TryGetProperty("eventType", out var type)) continue;
            string? token = root.TryGetProperty("command", out var command) && command.ValueKind == JsonValueKind.Object
                && command.TryGetProperty("token", out var t) ? t.GetString() : null;
            await _events.Writer.WriteAsync(new KernelEvent(type.GetString()!, root.GetProperty("event").Clone(), token));
        }
        _events.Writer.Complete();
    }

    static string DotnetPath()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(dir, "dotnet"))) return Path.Combine(dir, "dotnet");
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
