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
    public void Memory_and_time_are_measured()
    {
        var (value, _) = CostMeasurement.Timed(() => 6 * 7);
        Assert.Equal(42, value);
        Assert.True(CostMeasurement.ResetPeak(), "/proc/self/clear_refs resets the peak on Linux");
        var before = CostMeasurement.Snapshot();
        Assert.True(before.PeakResidentBytes >= before.ResidentBytes && before.ResidentBytes > 0);
        const long mb = 1024 * 1024;
        // Touching 64 MB of native memory (16M floats written by ones) raises the peak by at least 48 MB.
        using (var big = ones(16 * mb)) Assert.Equal(16 * mb, big.sum().item<float>());
        long peak = CostMeasurement.PeakMemoryBytes();
        Assert.True(peak >= before.ResidentBytes + 48 * mb, $"peak {peak / mb} MB, resident before {before.ResidentBytes / mb} MB");
        // The 64 MB block is unmapped when freed (above glibc's largest mmap threshold, 32 MB), so a new peak starts lower.
        Assert.True(CostMeasurement.ResetPeak());
        long fresh = CostMeasurement.PeakMemoryBytes();
        Assert.True(fresh <= peak - 32 * mb, $"peak after reset {fresh / mb} MB, before {peak / mb} MB");
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
