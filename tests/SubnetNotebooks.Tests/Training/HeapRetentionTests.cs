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

    /// <summary>glibc's struct mallinfo2: ten size_t counters.</summary>
    [StructLayout(LayoutKind.Sequential)]
    struct MallInfo2
    {
        public nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    static extern MallInfo2 mallinfo2();

    /// <summary>
    /// With the kit loaded, an 8 MB block (the size of a SmallCnn activation at batch 128) comes from the heap: glibc's
    /// count of mmap'ed blocks does not grow while it is held, and freeing it leaves the heap's free bytes at least 8 MB
    /// larger instead of returning them to the kernel. With glibc's defaults (mmap threshold 128 KB) the block is mmap'ed.
    /// </summary>
    [Fact]
    public void LargeBlocksStayInTheHeapAfterTheyAreFreed()
    {
        TorchRuntime.Ensure();
        Assert.True(HeapRetention.Applied, "mallopt did not accept the thresholds");
        const int size = 8 << 20;
        var before = mallinfo2();
        var block = Marshal.AllocHGlobal(size); // malloc on Unix
        try
        {
            Marshal.Copy(new byte[size], 0, block, size);
            Assert.Equal(before.Hblks, mallinfo2().Hblks);
        }
        finally { Marshal.FreeHGlobal(block); }
        Assert.True(mallinfo2().Fordblks >= (nuint)size, $"free heap bytes after freeing {size}: {mallinfo2().Fordblks}");
    }
}
