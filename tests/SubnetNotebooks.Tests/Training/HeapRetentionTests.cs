using System.Runtime.InteropServices;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Tests.Training;

public class HeapRetentionTests
{
    [Fact]
    public void AppliesUnlessTheUserChoseTheAllocatorSettings()
    {
        Assert.True(HeapRetention.Wanted(FakeEnvironment.Of()));
        Assert.True(HeapRetention.Wanted(FakeEnvironment.Of(("SUBNET_MALLOC", ""))));
        Assert.False(HeapRetention.Wanted(FakeEnvironment.Of(("SUBNET_MALLOC", "system"))));
        Assert.False(HeapRetention.Wanted(FakeEnvironment.Of(("MALLOC_MMAP_THRESHOLD_", "131072"))));
        Assert.False(HeapRetention.Wanted(FakeEnvironment.Of(("MALLOC_TRIM_THRESHOLD_", "131072"))));
    }

    [DllImport("libc", SetLastError = true)]
    static extern int mincore(IntPtr address, nuint length, byte[] residency);

    const int Block = 8 << 20, Page = 4096;

    /// <summary>
    /// Share of the pages inside [block, block + Block) that are resident, or -1 when the range is no longer mapped
    /// (mincore's ENOMEM: the memory went back to the kernel).
    /// </summary>
    static double ResidentShare(IntPtr block)
    {
        var first = (block + Page - 1) & ~(nint)(Page - 1);
        var pages = Block / Page - 2;
        var residency = new byte[pages];
        if (mincore(first, (nuint)(pages * Page), residency) != 0) return -1;
        return residency.Count(b => (b & 1) != 0) / (double)pages;
    }

    /// <summary>
    /// Child process (<c>dotnet SubnetNotebooks.Tests.dll heap-retention</c>): loads the kit's native runtime as every run
    /// does, mallocs an 8 MB block (the size of a SmallCnn activation at batch 128) and writes it, then frees it. Prints
    /// whether the kit applied its settings, whether glibc served the block by mmap (the IS_MMAPPED bit, 0x2, of the chunk's
    /// size word just before the block) and the share of the block's pages still resident after the free (-1: unmapped).
    /// Only this block is looked at, not the allocator's totals, which the runtime's own threads move.
    /// </summary>
    internal static int Child()
    {
        TorchRuntime.Ensure();
        var block = Marshal.AllocHGlobal(Block); // malloc on Unix
        Marshal.Copy(new byte[Block], 0, block, Block);
        var mmapped = (Marshal.ReadInt64(block, -8) & 0x2) != 0;
        Marshal.FreeHGlobal(block);
        var kept = ResidentShare(block);
        Console.WriteLine(FormattableString.Invariant($"applied={(HeapRetention.Applied ? 1 : 0)} mmapped={(mmapped ? 1 : 0)} kept={kept}"));
        return 0;
    }

    /// <summary>The child's environment: the user's allocator choices removed, then <paramref name="optOut"/> as SUBNET_MALLOC.</summary>
    static Dictionary<string, string?> ChildEnvironment(string? optOut) => new()
    {
        [HeapRetention.OptOut] = optOut, ["MALLOC_MMAP_THRESHOLD_"] = null, ["MALLOC_TRIM_THRESHOLD_"] = null,
    };

    /// <summary>
    /// In a process of its own (the test host's heap is shared with every test running beside it): with the kit's settings
    /// the 8 MB block comes from the heap and its pages stay in the process when it is freed; with SUBNET_MALLOC=system the
    /// kit leaves glibc's defaults, whose 128 KB mmap threshold maps the block on its own and unmaps it on free.
    /// </summary>
    [Fact]
    public void TheKitKeepsLargeBlocksInTheHeapUnlessOptedOut()
    {
        var kit = TestChild.Figures(TestChild.Run(["heap-retention"], ChildEnvironment(null)));
        Assert.Equal(1, kit["applied"]);
        Assert.Equal(0, kit["mmapped"]);
        Assert.True(kit["kept"] >= 0.99, $"share of the freed block's pages still resident: {kit["kept"]}");

        var system = TestChild.Figures(TestChild.Run(["heap-retention"], ChildEnvironment("system")));
        Assert.Equal(0, system["applied"]);
        Assert.Equal(1, system["mmapped"]);
        Assert.Equal(-1, system["kept"]);
    }
}
