using System.Diagnostics;

namespace SubnetNotebooks.Tests.Weights;

/// <summary>Runs a Python script with Debian's python3-torch and the kit's scripts/pytorch on PYTHONPATH.</summary>
static class PythonTorch
{
    const string Python = "/usr/bin/python3";

    /// <summary>The repository's scripts/pytorch folder (found above the test assembly).</summary>
    public static string ModulesFolder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "scripts", "pytorch");
                if (File.Exists(Path.Combine(candidate, "subnet_models.py"))) return candidate;
            }
            throw new InvalidOperationException("scripts/pytorch/subnet_models.py was not found above the test assembly; run the tests from the repository.");
        }
    }

    /// <summary>Runs <paramref name="script"/> in <paramref name="folder"/> and returns its standard output; fails the test when torch is missing or the script fails.</summary>
    public static string Run(string script, string folder)
    {
        var path = Path.Combine(folder, "script.py");
        File.WriteAllText(path, script);
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = folder };
        info.ArgumentList.Add(path);
        info.Environment["PYTHONPATH"] = ModulesFolder;
        info.Environment["OMP_NUM_THREADS"] = "1";
        Process process;
        try { process = Process.Start(info)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{Python} cannot be started ({e.Message}); run scripts/install-deps.sh (it installs python3-torch).", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (stderr.Contains("No module named 'torch'"))
                throw new InvalidOperationException("Debian's python3-torch is not installed; run scripts/install-deps.sh (it installs python3-torch).");
            if (process.ExitCode != 0) throw new InvalidOperationException($"python failed ({process.ExitCode}):\n{stderr}");
            return stdout.Result;
        }
    }
}
