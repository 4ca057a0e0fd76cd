using System.Diagnostics;
using System.Text.Json;

namespace SubnetNotebooks.Training;

/// <summary>
/// One writer per folder across processes: a lock file (pid, command line, host, start time) created with
/// O_EXCL semantics. A second process waits for it, printing who holds it, or fails at once when waiting is off
/// (<c>--no-wait</c>, or <see cref="NoWaitVariable"/>=1). A lock left by a process that is no longer alive on this
/// host is taken over. Works on any file system (no advisory locks needed).
/// </summary>
public sealed class TrainingLock : IDisposable
{
    /// <summary>Environment variable that makes a held lock an error instead of a wait (1/true); `--no-wait` sets it.</summary>
    public const string NoWaitVariable = "SUBNET_NO_WAIT";
    /// <summary>Name of the lock file inside a training run's checkpoint folder.</summary>
    public const string FileName = ".lock";

    /// <summary>Who holds a lock: written as JSON into the lock file.</summary>
    public sealed record Holder(int Pid, string Command, string Host, DateTime StartedUtc, DateTime ProcessStartUtc, string Token)
    {
        /// <summary>"process 1234 (subnet reproduce ...) on host h since 2026-01-01 10:00:00Z".</summary>
        public override string ToString() => $"process {Pid} ({Command}) on host {Host} since {StartedUtc:u}";
    }

    readonly string _path;
    readonly string _token;

    TrainingLock(string path, string token) { _path = path; _token = token; }

    /// <summary>The lock file this instance holds.</summary>
    public string Path => _path;

    /// <summary>True unless <see cref="NoWaitVariable"/> is 1 or true.</summary>
    public static bool WaitByDefault =>
        Environment.GetEnvironmentVariable(NoWaitVariable)?.Trim().ToLowerInvariant() is not ("1" or "true" or "yes");

    /// <summary>
    /// Takes the lock file <paramref name="path"/>, waiting while another live process holds it (or failing with
    /// <see cref="TrainingLockedException"/> when <paramref name="wait"/> is false).
    /// </summary>
    /// <param name="path">the lock file, e.g. checkpoints/deep/1/.lock</param>
    /// <param name="what">what the lock guards, for messages: "training run deep/1"</param>
    /// <param name="wait">wait for the holder (null: <see cref="WaitByDefault"/>)</param>
    /// <param name="onWait">hears the waiting message once per holder (null: standard error)</param>
    /// <param name="poll">time between attempts while waiting</param>
    /// <param name="cancellation">stops waiting</param>
    public static TrainingLock Acquire(string path, string what, bool? wait = null, Action<string>? onWait = null, TimeSpan? poll = null,
        CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var me = Current();
        var bytes = JsonSerializer.SerializeToUtf8Bytes(me);
        bool waits = wait ?? WaitByDefault;
        string? announced = null;
        for (int unreadable = 0; ; )
        {
            cancellation.ThrowIfCancellationRequested();
            if (TryCreate(path, bytes, out var error)) return new TrainingLock(path, me.Token);
            var holder = Read(path);
            if (holder is null)
            {
                // Being written or just released; a file that stays unreadable (or a create that keeps failing) is an error.
                if (++unreadable > 500)
                    throw new IOException($"Cannot take the lock file {path} ({error?.Message ?? "it is not a lock file"}). Delete it if no process is training there.", error);
                Thread.Sleep(20);
                continue;
            }
            unreadable = 0;
            if (IsStale(holder)) { TakeOver(path, holder); continue; }
            var message = $"{what} is locked by {holder}: it writes {System.IO.Path.GetDirectoryName(path)}.";
            if (!waits)
                throw new TrainingLockedException(
                    $"{message} Wait for it to finish (run without --no-wait / {NoWaitVariable}), or stop that process; " +
                    $"if it is gone and its host was another machine, delete {path}.");
            if (announced != holder.Token)
            {
                (onWait ?? Console.Error.WriteLine)($"{message} Waiting for it to finish (--no-wait or {NoWaitVariable}=1 fails instead).");
                announced = holder.Token;
            }
            if (cancellation.WaitHandle.WaitOne(poll ?? TimeSpan.FromMilliseconds(500))) cancellation.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Reads who holds the lock file at <paramref name="path"/> (null: none, or half written).</summary>
    public static Holder? Read(string path)
    {
        try { return JsonSerializer.Deserialize<Holder>(File.ReadAllBytes(path)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException) { return null; }
    }

    /// <summary>True when <paramref name="holder"/> ran on this host and that process is gone (or its pid now names another process).</summary>
    public static bool IsStale(Holder holder)
    {
        if (!string.Equals(holder.Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase)) return false;
        try
        {
            using var process = Process.GetProcessById(holder.Pid);
            if (process.HasExited) return true;
            return Math.Abs((process.StartTime.ToUniversalTime() - holder.ProcessStartUtc).TotalSeconds) > 2;
        }
        catch (ArgumentException) { return true; }   // no such process
        catch (InvalidOperationException) { return true; }
    }

    /// <summary>Releases the lock (deletes the file when it is still this instance's).</summary>
    public void Dispose()
    {
        if (Read(_path)?.Token == _token)
            File.Delete(_path);
    }

    static bool TryCreate(string path, byte[] bytes, out IOException? error)
    {
        FileStream stream;
        error = null;
        try { stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read); }
        catch (IOException e) { error = e; return false; } // exists (maybe deleted since): the caller reads it and retries
        using (stream)
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        return true;
    }

    /// <summary>
    /// Removes a stale lock. Takeovers are serialised by a guard file created exclusively, and the lock is
    /// re-read under the guard, so two processes that both saw the same stale lock cannot both take it.
    /// </summary>
    static void TakeOver(string path, Holder stale)
    {
        var guard = path + ".takeover";
        if (!TryCreate(guard, JsonSerializer.SerializeToUtf8Bytes(Current()), out _))
        {
            // A guard older than a few seconds belongs to a process that died mid-takeover.
            try { if (DateTime.UtcNow - File.GetLastWriteTimeUtc(guard) > TimeSpan.FromSeconds(10)) File.Delete(guard); }
            catch (IOException) { }
            Thread.Sleep(20);
            return;
        }
        try
        {
            if (Read(path)?.Token == stale.Token) File.Delete(path);
        }
        finally
        {
            File.Delete(guard);
        }
    }

    static Holder Current()
    {
        using var process = Process.GetCurrentProcess();
        return new Holder(Environment.ProcessId, CommandLine(), Environment.MachineName, DateTime.UtcNow,
            process.StartTime.ToUniversalTime(), Guid.NewGuid().ToString("N"));
    }

    /// <summary>The command line of this process, with the dotnet host and the entry assembly's folder left out.</summary>
    static string CommandLine()
    {
        var args = Environment.GetCommandLineArgs();
        if (args.Length == 0) return "?";
        var first = System.IO.Path.GetFileNameWithoutExtension(args[0]);
        return string.Join(' ', new[] { first == "subnet" ? "subnet" : System.IO.Path.GetFileName(args[0]) }.Concat(args.Skip(1)));
    }
}

/// <summary>A training run (or run folder file) is locked by another live process and waiting was turned off.</summary>
public sealed class TrainingLockedException(string message) : Exception(message);
