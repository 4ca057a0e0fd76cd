using SubnetNotebooks.Training;
using TorchSharp;

namespace SubnetNotebooks.Tests.Training;

public class TorchRuntimeTests
{
    [Fact]
    public void TorchComputesAfterEnsure()
    {
        TorchRuntime.Ensure();
        using var a = torch.tensor(new float[] { 1, 2, 3 });
        using var b = (a * a).sum();
        Assert.Equal(14f, b.item<float>());
    }

    [Fact]
    public void CpuDeviceIsResolvedByName()
    {
        Assert.Equal(DeviceType.CPU, TorchRuntime.ResolveDevice("cpu").type);
        Assert.Throws<ArgumentException>(() => TorchRuntime.ResolveDevice("tpu"));
    }
}
