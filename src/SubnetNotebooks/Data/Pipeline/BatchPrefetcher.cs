using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Data;

/// <summary>
/// Prepares batches on a background thread while the consumer works on the current one: a bounded queue of at most
/// <c>depth</c> ready batches. The batches and their order are those of the source. An exception of the source is
/// rethrown to the consumer unchanged; stopping early, cancelling or failing stops the producer and disposes every
/// batch not handed over.
/// </summary>
public static class BatchPrefetcher
{
    sealed record Item(Tensor? Images, Tensor? Labels, ExceptionDispatchInfo? Error)
    {
        public void Dispose() { Images?.Dispose(); Labels?.Dispose(); }
    }

    /// <summary>The batches of <paramref name="source"/>, each made on a background thread up to <paramref name="depth"/> ahead.</summary>
    /// <param name="source">batches (images, labels); enumerated on the background thread</param>
    /// <param name="depth">ready batches the queue holds, at least 1</param>
    /// <param name="cancellation">stops waiting and producing; the consumer then sees <see cref="OperationCanceledException"/></param>
    /// <returns>the same batches in the same order; each yielded pair joins the consumer's current dispose scope</returns>
    public static IEnumerable<(Tensor Images, Tensor Labels)> Run(IEnumerable<(Tensor Images, Tensor Labels)> source, int depth,
        CancellationToken cancellation = default)
    {
        if (depth < 1) throw new ArgumentOutOfRangeException(nameof(depth), depth, "BatchPrefetcher: prefetch depth must be at least 1 batch.");
        return Consume(source, depth, cancellation);
    }

    static IEnumerable<(Tensor Images, Tensor Labels)> Consume(IEnumerable<(Tensor Images, Tensor Labels)> source, int depth,
        CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var queue = new BlockingCollection<Item>(depth);
        var producer = Task.Factory.StartNew(() => Produce(source, queue, stop.Token), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            foreach (var item in queue.GetConsumingEnumerable(cancellation))
            {
                item.Error?.Throw();
                yield return (Adopt(item.Images!), Adopt(item.Labels!));
            }
        }
        finally
        {
            stop.Cancel();
            producer.Wait(CancellationToken.None);
            while (queue.TryTake(out var left)) left.Dispose();
        }
    }

    /// <summary>Runs on the background thread: every batch leaves its dispose scope before it is queued.</summary>
    static void Produce(IEnumerable<(Tensor Images, Tensor Labels)> source, BlockingCollection<Item> queue, CancellationToken stop)
    {
        try
        {
            using var batches = source.GetEnumerator();
            while (!stop.IsCancellationRequested)
            {
                Item item;
                using (NewDisposeScope())
                {
                    if (!batches.MoveNext()) break;
                    var (images, labels) = batches.Current;
                    item = new Item(images.DetachFromDisposeScope(), labels.DetachFromDisposeScope(), null);
                }
                try { queue.Add(item, stop); }
                catch (OperationCanceledException) { item.Dispose(); break; }
            }
        }
        catch (Exception e)
        {
            try { queue.Add(new Item(null, null, ExceptionDispatchInfo.Capture(e)), stop); }
            catch (OperationCanceledException) { }
        }
        finally
        {
            queue.CompleteAdding();
        }
    }

    /// <summary>Hands a tensor made on the background thread to the consumer's current dispose scope (none: the caller owns it).</summary>
    static Tensor Adopt(Tensor tensor)
    {
        CurrentDisposeScope?.Attach(tensor);
        return tensor;
    }
}
