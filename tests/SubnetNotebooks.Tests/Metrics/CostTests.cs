using System.Runtime.InteropServices;
using SubnetNotebooks.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Metrics;

public class CostTests
{
    [Fact]
    public void Flops_count_linear_and_conv_multiply_adds_by_hand()
    {
        torch.manual_seed(0);
        var model = nn.Sequential(
            ("conv", nn.Conv2d(1, 4, 3, padding: 1)),   // 4·1·3·3 = 36 weights × 8·8 positions
            ("relu", nn.ReLU()),
            ("pool", nn.MaxPool2d(2)),                    // → [4, 4, 4]
            ("flat", nn.Flatten()),
            ("fc", nn.Linear(64, 10)));                   // 640 weights × 1 position
        // 2·36·64 + 2·640·1 = 4608 + 1280 = 5888.
        Assert.Equal(5888, Flops.Count(model, [1, 8, 8]));
        Assert.True(model.training);

        // Pruning half of the linear weights removes 2·320 = 640 FLOPs.
        using (torch.no_grad())
        {
            var fc = (TorchSharp.Modules.Linear)model.named_children().Single(c => c.name == "fc").module;
            fc.weight![.., TensorIndex.Slice(0, 32)].zero_();
        }
        Assert.Equal(5888 - 640, Flops.Count(model, [1, 8, 8]));
    }

    [Fact]
    public void Time_is_measured_around_the_result()
    {
        var (value, seconds) = CostMeasurement.Timed(() => { Thread.Sleep(20); return 6 * 7; });
        Assert.Equal(42, value);
        Assert.True(seconds >= 0.015, $"{seconds} s for a 20 ms sleep");
    }

    const long Mb = 1024 * 1024;
    const int PROT_READ_WRITE = 3, MAP_PRIVATE_ANONYMOUS = 0x22;

    [DllImport("libc", SetLastError = true)]
    static extern IntPtr mmap(IntPtr address, nuint length, int protection, int flags, int fd, nint offset);

    [DllImport("libc", SetLastError = true)]
    static extern int munmap(IntPtr address, nuint length);

    /// <summary>
    /// Child process (<c>dotnet SubnetNotebooks.Tests.dll peak-memory</c>): starts a new peak, maps 64 MB of anonymous
    /// memory straight from the kernel (no allocator in between), writes every page, reads the kit's figures, unmaps it,
    /// reads them again and starts another peak. Prints every figure in bytes.
    /// </summary>
    internal static int MemoryChild()
    {
        const long size = 64 * Mb;
        var reset = CostMeasurement.ResetPeak();
        var before = CostMeasurement.Snapshot();
        var block = mmap(IntPtr.Zero, (nuint)size, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0);
        if (block == new IntPtr(-1)) throw new InvalidOperationException($"mmap of {size} bytes failed: errno {Marshal.GetLastPInvokeError()}");
        for (long page = 0; page < size; page += 4096) Marshal.WriteByte(block, (int)page, 1);
        var held = CostMeasurement.Snapshot();
        var peakHeld = CostMeasurement.PeakMemoryBytes();
        if (munmap(block, (nuint)size) != 0) throw new InvalidOperationException($"munmap failed: errno {Marshal.GetLastPInvokeError()}");
        var after = CostMeasurement.Snapshot();
        var resetAgain = CostMeasurement.ResetPeak();
        var fresh = CostMeasurement.PeakMemoryBytes();
        Console.WriteLine($"reset={(reset && resetAgain ? 1 : 0)} before={before.ResidentBytes} held={held.ResidentBytes} peak_held={peakHeld} " +
            $"after={after.ResidentBytes} peak_after={after.PeakResidentBytes} fresh={fresh}");
        return 0;
    }

    /// <summary>
    /// The kit's resident and peak figures follow 64 MB that a process touches and gives back. In a process of its own,
    /// so that nothing else allocates or frees while it measures, and with the memory mapped from the kernel, so the
    /// figures do not depend on what the allocator keeps. The kernel's counters may lag by a few pages per thread; 4 MB of
    /// the 64 is left for that.
    /// </summary>
    [Fact]
    public void Memory_figures_follow_what_the_process_touches_and_frees()
    {
        var f = TestChild.Figures(TestChild.Run(["peak-memory"]));
        Assert.Equal(1, f["reset"]);
        Assert.True(f["held"] >= f["before"] + 60 * Mb, $"resident {f["held"] / Mb:F1} MB holding 64 MB, {f["before"] / Mb:F1} MB before");
        Assert.True(f["peak_held"] >= f["held"], $"peak {f["peak_held"] / Mb:F1} MB below the resident {f["held"] / Mb:F1} MB");
        Assert.True(f["after"] <= f["held"] - 60 * Mb, $"resident {f["after"] / Mb:F1} MB after unmapping, {f["held"] / Mb:F1} MB holding");
        // The peak since the first reset still holds the 64 MB; a new peak starts from what is resident now.
        Assert.True(f["peak_after"] >= f["before"] + 60 * Mb, $"peak {f["peak_after"] / Mb:F1} MB forgot the 64 MB");
        Assert.True(f["fresh"] <= f["peak_after"] - 60 * Mb, $"peak after a reset {f["fresh"] / Mb:F1} MB, before it {f["peak_after"] / Mb:F1} MB");
    }

    [Fact]
    public void Cost_report_flattens_under_cost_keys()
    {
        var report = new CostReport("subnetwork", 4, 120_000, 2.4e5, 30, 1.5, 6666, 1 << 30);
        var flat = new Dictionary<string, double>();
        report.AddTo(flat);
        Assert.Equal(4, flat["cost.members"]);
        Assert.Equal(1 << 30, flat["cost.peak_memory_bytes"]);
        Assert.Equal(7, flat.Count);
    }
}
