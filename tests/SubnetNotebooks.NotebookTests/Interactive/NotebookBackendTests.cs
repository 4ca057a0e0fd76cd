using SubnetNotebooks.Interactive;

namespace SubnetNotebooks.NotebookTests.Interactive;

/// <summary>Which libtorch backend a notebook loads, and the warning for an NVIDIA GPU left idle.</summary>
public class NotebookBackendTests
{
    [Theory]
    [InlineData(null, null, "cpu")]
    [InlineData("", "  \n", "cpu")]
    [InlineData("cuda", null, "cuda")]
    [InlineData(null, "cuda\n# written by me", "cuda")]
    [InlineData("CPU", "cuda", "cpu")]
    [InlineData(" Cuda ", "cpu", "cuda")]
    public void TheVariableWinsOverTheLocalFileAndCpuIsTheDefault(string? variable, string? file, string expected)
    {
        Assert.Equal(expected, NotebookBackend.Choose(variable, file));
    }

    [Fact]
    public void AnUnknownBackendNamesWhereItCameFromAndTheChoices()
    {
        var fromVariable = Assert.Throws<ArgumentException>(() => NotebookBackend.Choose("rocm", "cuda"));
        Assert.Contains("SUBNET_TORCH_BACKEND", fromVariable.Message);
        Assert.Contains("'rocm'", fromVariable.Message);
        Assert.Contains("cpu or cuda", fromVariable.Message);
        var fromFile = Assert.Throws<ArgumentException>(() => NotebookBackend.Choose(null, "gpu"));
        Assert.Contains("torch-backend.local", fromFile.Message);
    }

    [Fact]
    public void TheLocalFileIsReadFromTheRepositoryRoot()
    {
        var root = Repository.NewTempFolder("backend");
        var saved = Environment.GetEnvironmentVariable(NotebookBackend.Variable);
        try
        {
            Environment.SetEnvironmentVariable(NotebookBackend.Variable, null);
            Assert.Equal("cpu", NotebookBackend.Choose(root));
            File.WriteAllText(Path.Combine(root, "torch-backend.local"), "cuda\n");
            Assert.Equal("cuda", NotebookBackend.Choose(root));
        }
        finally { Environment.SetEnvironmentVariable(NotebookBackend.Variable, saved); }
    }

    [Fact]
    public void EachBackendLoadsItsOwnTorchSharpPackage()
    {
        Assert.Equal("TorchSharp-cpu, 0.107.0", NotebookBackend.Package("cpu"));
        Assert.Equal("TorchSharp-cuda-linux, 0.107.0", NotebookBackend.Package("cuda"));
    }

    [Fact]
    public void OnlyTheCpuBackendOnAMachineWithAnNvidiaGpuIsWarnedAbout()
    {
        var warning = NotebookBackend.Warning("cpu", () => true);
        Assert.NotNull(warning);
        Assert.Contains("NVIDIA GPU", warning);
        Assert.Contains("SUBNET_TORCH_BACKEND=cuda", warning);
        Assert.Contains("-p:TorchBackend=cuda", warning);
        Assert.Null(NotebookBackend.Warning("cpu", () => false));
        bool probed = false;
        Assert.Null(NotebookBackend.Warning("cuda", () => probed = true));
        Assert.False(probed);
    }
}
