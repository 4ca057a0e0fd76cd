using System.Diagnostics;
using System.Runtime.Versioning;

namespace SubnetNotebooks.Training;

/// <summary>
/// Marks missing version requirements weak (<see cref="ElfVersionPatch.WeakenMissing"/>) in a library file that
/// other processes may patch or load at the same moment: sweep slots, Slurm array tasks on a shared home and notebook
/// kernels all start by patching the same libLibTorchSharp.so in the NuGet cache. A patch holds an exclusive lock on
/// the file <c>&lt;library&gt;.subnet-lock</c> beside it, re-reads the library under the lock (another process may
/// have patched it meanwhile), writes the patched bytes to a temporary file of its own (process id and a random part),
/// flushes it to the disk and renames it over the library (<see cref="AtomicFile"/>). A process therefore loads the
/// old file or the patched one, never half of one, and a process that has the old file mapped keeps it.
/// The lock is an advisory lock on an open file (flock), so the kernel releases it when its holder dies; the lock
/// file stays, since deleting it would let a process still waiting on the old file and a newcomer that creates a new
/// one both hold "the" lock. Where the file system has no such locks, the patch still never leaves a half-written
/// library: processes that patch at once rename identical bytes over it.
/// </summary>
[SupportedOSPlatform("linux")]
public static class SharedLibraryPatch
{
    /// <summary>Appended to the library's path to name its lock file.</summary>
    public const string LockSuffix = ".subnet-lock";

    /// <summary>How long <see cref="Apply"/> waits for another process's patch by default.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>errno EWOULDBLOCK on Linux: a FileShare.None open failed because another open file holds the lock.</summary>
    const int LockHeld = 11;

    /// <summary>
    /// Marks weak every version that <paramref name="file"/> needs from <paramref name="library"/> and that
    /// <paramref name="available"/> lacks. Returns the versions this call marked: empty when there was nothing to do
    /// (the system library is new enough, or this or another process patched the file before). Reading the file is
    /// all it does then: the lock is taken only for a patch. Any failure (the folder is not writable, another process
    /// held the lock past <paramref name="timeout"/>) is an <see cref="InvalidOperationException"/> naming the file and the fix.
    /// </summary>
    /// <param name="file">the library to patch in place</param>
    /// <param name="library">the needed library whose versions are checked, e.g. libstdc++.so.6</param>
    /// <param name="available">the versions that this system's <paramref name="library"/> defines</param>
    /// <param name="providedBy">the file of this system's <paramref name="library"/>, for the error message</param>
    /// <param name="timeout">how long to wait for another process's lock (null: <see cref="DefaultTimeout"/>)</param>
    public static IReadOnlyList<string> Apply(string file, string library, IReadOnlySet<string> available, string providedBy, TimeSpan? timeout = null)
    {
        IReadOnlyList<string> missing = [];
        try
        {
            missing = ElfVersionPatch.WeakenMissing(File.ReadAllBytes(file), file, library, available);
            if (missing.Count == 0) return missing;
            using var held = Lock(file + LockSuffix, timeout ?? DefaultTimeout);
            var bytes = File.ReadAllBytes(file);
            var marked = ElfVersionPatch.WeakenMissing(bytes, file, library, available);
            if (marked.Count == 0) return marked;
            var mode = File.GetUnixFileMode(file);
            AtomicFile.Write(file, stream => stream.Write(bytes));
            File.SetUnixFileMode(file, mode);
            return marked;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TimeoutException)
        {
            var needs = missing.Count > 0 ? $"needs {string.Join(", ", missing)} of {library}, which" : $"may need versions of {library} that";
            throw new InvalidOperationException(
                $"{file} {needs} this system's {library} ({providedBy}) lacks, and it could not be patched: the kit marks such a requirement " +
                $"weak in the file itself, holding the lock {file + LockSuffix} and renaming a patched temporary copy over the file, and that failed: {e.Message} " +
                $"Make the folder {Path.GetDirectoryName(Path.GetFullPath(file))} writable (it is in the NuGet package cache), " +
                "or install a newer libstdc++6 (README.md#troubleshooting).", e);
        }
    }

    /// <summary>Opens <paramref name="path"/> exclusively (creating it), retrying while another open file holds it, up to <paramref name="timeout"/>.</summary>
    static FileStream Lock(string path, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException e) when (e.HResult == LockHeld)
            {
                if (waited.Elapsed >= timeout)
                    throw new TimeoutException($"Another process held {path} for {timeout.TotalSeconds:0.#} s.", e);
                Thread.Sleep(10);
            }
        }
    }
}
