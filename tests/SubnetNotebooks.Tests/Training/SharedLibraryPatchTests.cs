using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.Versioning;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Tests.Training;

/// <summary>
/// The in-place patch of a shared library under a cross-process lock, on small ELF files written in the layout
/// libLibTorchSharp.so has (<see cref="ElfVersionPatchTests.TorchSharpLike"/>): it needs GLIBCXX_3.4.32, which the
/// "system" of these tests lacks.
/// </summary>
[SupportedOSPlatform("linux")]
public class SharedLibraryPatchTests() : InTempFolder("subnet-patch-")
{
    const string StdCxx = "libstdc++.so.6";
    static readonly IReadOnlySet<string> Available = new HashSet<string> { "GLIBCXX_3.4.30", "CXXABI_1.3" };

    /// <summary>The TorchSharp-like ELF with 1 MB after it (ignored by the loader and the parser), so a write takes a while.</summary>
    static byte[] Library()
    {
        var elf = ElfVersionPatchTests.TorchSharpLike();
        var library = new byte[elf.Length + (1 << 20)];
        elf.CopyTo(library, 0);
        for (int i = elf.Length; i < library.Length; i++) library[i] = (byte)(i % 251);
        return library;
    }

    /// <summary>The library as patching it in this process gives it: GLIBCXX_3.4.32 weak, every other byte the same.</summary>
    static byte[] PatchedInProcess()
    {
        var expected = Library();
        Assert.Equal(["GLIBCXX_3.4.32"], ElfVersionPatch.WeakenMissing(expected, "expected", StdCxx, Available));
        return expected;
    }

    static void AssertPatched(string file, byte[] expected)
    {
        var bytes = File.ReadAllBytes(file);
        Assert.True(expected.AsSpan().SequenceEqual(bytes), $"{file} differs from the library patched in-process");
        var needed = ElfVersionPatch.ReadNeeded(bytes, file);
        Assert.True(needed.Single(n => n.Name == "GLIBCXX_3.4.32").IsWeak);
        Assert.All(needed.Where(n => n.Name != "GLIBCXX_3.4.32"), n => Assert.False(n.IsWeak, $"{n.Name} was marked weak too"));
    }

    /// <summary>
    /// Child process (<c>dotnet SubnetNotebooks.Tests.dll patch-race THREADS FILE...</c>): prints "ready", waits for a line
    /// on standard input, then patches every FILE, in the same order, from THREADS threads at once, printing
    /// "marked FILE" for every patch it made and every error on standard error.
    /// </summary>
    internal static int RaceChild(string[] args)
    {
        int threads = int.Parse(args[0]);
        var files = args[1..];
        Console.WriteLine("ready");
        Console.In.ReadLine();
        var errors = new ConcurrentQueue<Exception>();
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            foreach (var file in files)
            {
                try
                {
                    if (SharedLibraryPatch.Apply(file, StdCxx, Available, "the test's libstdc++").Count > 0) Console.WriteLine($"marked {file}");
                }
                catch (Exception e) { errors.Enqueue(e); }
            }
        })).ToArray();
        foreach (var worker in workers) worker.Start();
        foreach (var worker in workers) worker.Join();
        foreach (var error in errors) Console.Error.WriteLine(error);
        return errors.IsEmpty ? 0 : 1;
    }

    static Process StartRaceChild(int threads, IEnumerable<string> files)
    {
        var dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { typeof(SharedLibraryPatchTests).Assembly.Location, "patch-race", threads.ToString() }.Concat(files))
            start.ArgumentList.Add(arg);
        return Process.Start(start)!;
    }

    [Fact]
    public void TwoProcessesPatchingTheSameFilesAtOnceLeaveEachPatchedOnceAndNoTemporaryFiles()
    {
        var files = Enumerable.Range(0, 12).Select(i => Path.Combine(_dir, $"libLibTorchSharp{i}.so")).ToArray();
        foreach (var file in files) File.WriteAllBytes(file, Library());
        var children = new[] { StartRaceChild(4, files), StartRaceChild(4, files) };
        try
        {
            foreach (var child in children) Assert.Equal("ready", child.StandardOutput.ReadLine());
            foreach (var child in children) child.StandardInput.WriteLine("go");   // both start together, after start-up
            var results = children.Select(child =>
            {
                var stdout = child.StandardOutput.ReadToEndAsync();
                var stderr = child.StandardError.ReadToEndAsync();
                Assert.True(child.WaitForExit(120_000), "a patching process did not finish in 120 s");
                return (child.ExitCode, Out: stdout.Result, Err: stderr.Result);
            }).ToArray();

            Assert.All(results, r => Assert.True(r.ExitCode == 0 && r.Err.Length == 0, $"a patching process failed (exit code {r.ExitCode}): {r.Err}"));
            // Exactly one call in either process patched each file; every other call found it patched.
            var marks = results.SelectMany(r => r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Where(line => line.StartsWith("marked ", StringComparison.Ordinal)).Select(line => line["marked ".Length..]);
            Assert.Equal(files.Order(StringComparer.Ordinal), marks.Order(StringComparer.Ordinal));
            var expected = PatchedInProcess();
            foreach (var file in files) AssertPatched(file, expected);
            // The libraries and their lock files; no temporary file is left.
            Assert.Equal(files.Concat(files.Select(f => f + SharedLibraryPatch.LockSuffix)).Order(StringComparer.Ordinal),
                Directory.GetFileSystemEntries(_dir).Order(StringComparer.Ordinal));
        }
        finally
        {
            foreach (var child in children)
            {
                if (!child.HasExited) child.Kill();
                child.Dispose();
            }
        }
    }

    [Fact]
    public void PatchesOnceKeepsTheFileModeAndTouchesNothingWhenNothingIsMissing()
    {
        var file = Path.Combine(_dir, "libLibTorchSharp.so");
        File.WriteAllBytes(file, Library());
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(file, mode);

        // A system libstdc++ that has GLIBCXX_3.4.32: no patch, no lock file.
        var newEnough = new HashSet<string>(Available) { "GLIBCXX_3.4.32" };
        Assert.Empty(SharedLibraryPatch.Apply(file, StdCxx, newEnough, "new libstdc++"));
        Assert.True(Library().AsSpan().SequenceEqual(File.ReadAllBytes(file)));
        Assert.Equal([file], Directory.GetFileSystemEntries(_dir));

        Assert.Equal(["GLIBCXX_3.4.32"], SharedLibraryPatch.Apply(file, StdCxx, Available, "old libstdc++"));
        Assert.Empty(SharedLibraryPatch.Apply(file, StdCxx, Available, "old libstdc++"));
        AssertPatched(file, PatchedInProcess());
        Assert.Equal(mode, File.GetUnixFileMode(file));
        Assert.Equal(new[] { file, file + SharedLibraryPatch.LockSuffix }.Order(StringComparer.Ordinal), Directory.GetFileSystemEntries(_dir).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ALockHeldPastTheTimeoutIsOneErrorNamingTheFileTheLockAndTheFix()
    {
        var file = Path.Combine(_dir, "libLibTorchSharp.so");
        File.WriteAllBytes(file, Library());
        using var held = new FileStream(file + SharedLibraryPatch.LockSuffix, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);

        var error = Assert.Throws<InvalidOperationException>(() =>
            SharedLibraryPatch.Apply(file, StdCxx, Available, "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", TimeSpan.FromMilliseconds(100)));
        Assert.IsType<TimeoutException>(error.InnerException);
        Assert.StartsWith($"{file} needs GLIBCXX_3.4.32 of libstdc++.so.6", error.Message);
        Assert.Contains("/usr/lib/x86_64-linux-gnu/libstdc++.so.6", error.Message);
        Assert.Contains($"Another process held {file}{SharedLibraryPatch.LockSuffix}", error.Message);
        Assert.Contains($"Make the folder {_dir} writable", error.Message);
        Assert.Contains("README.md#troubleshooting", error.Message);
        Assert.True(Library().AsSpan().SequenceEqual(File.ReadAllBytes(file)), "the library is untouched");
    }
}
