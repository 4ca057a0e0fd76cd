namespace SubnetNotebooks.Training;

/// <summary>
/// A thread that forces garbage collections of the youngest generation and runs finalizers back to back until disposed:
/// the condition under which a Scalar or tensor that the kit hands to libtorch without holding it gets freed mid-call
/// (such temporaries are young, so a generation-0 collection finds them; a full collection would only stall training longer). The soak check and
/// the GC-stress tests train under it and compare with the same steps trained without it.
/// </summary>
public sealed class GcPressure : IDisposable
{
    readonly Thread _thread;
    volatile bool _stop;
    long _collections;

    /// <summary>Starts the collecting thread.</summary>
    public GcPressure()
    {
        _thread = new Thread(() =>
        {
            while (!_stop)
            {
                GC.Collect(0);
                GC.WaitForPendingFinalizers();
                Interlocked.Increment(ref _collections);
            }
        }) { IsBackground = true, Name = "GC pressure" };
        _thread.Start();
    }

    /// <summary>Collections forced so far.</summary>
    public long Collections => Interlocked.Read(ref _collections);

    /// <summary>Stops the thread and waits for it.</summary>
    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }
}
