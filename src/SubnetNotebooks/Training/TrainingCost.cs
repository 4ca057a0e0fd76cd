namespace SubnetNotebooks.Training;

/// <summary>
/// Training cost in floating-point operations, the budget currency that is the same on every machine. One training step of
/// one example costs its forward pass and a backward pass of twice that (the gradients of the activations and of the weights):
/// 3 x the forward FLOPs of the network as executed (<see cref="ForwardAndBackward"/>). Elementwise work (activations, dropout,
/// normalisation, the optimiser's update) is not counted, as the forward count leaves it out too.
/// </summary>
public static class TrainingCost
{
    /// <summary>Forward + backward FLOPs per forward FLOP: 1 + 2.</summary>
    public const int ForwardAndBackward = 3;

    /// <summary>
    /// Examples that <paramref name="run"/>'s steps trained on, all its epochs (those before a resume included). An epoch stored
    /// before the count was kept is taken as its images per second x seconds, rounded.
    /// </summary>
    public static long Examples(TrainingResult run) =>
        run.History.Sum(h => h.Examples > 0 ? h.Examples : (long)Math.Round(h.ImagesPerSecond * h.Seconds));

    /// <summary>Training FLOPs of <paramref name="run"/>: its examples x 3 x <paramref name="forwardFlopsPerExample"/>.</summary>
    /// <param name="run">one training run</param>
    /// <param name="forwardFlopsPerExample">forward FLOPs of one example through the network as it executed in that run</param>
    public static double Flops(TrainingResult run, double forwardFlopsPerExample) =>
        (double)Examples(run) * ForwardAndBackward * forwardFlopsPerExample;

    /// <summary>
    /// Examples one epoch trains on: <paramref name="samples"/> in batches of <paramref name="batchSize"/> (the last, partial
    /// batch dropped with <paramref name="dropLast"/>), at most <paramref name="maxBatches"/> batches when that is above 0.
    /// </summary>
    public static long ExamplesPerEpoch(int samples, int batchSize, bool dropLast, int maxBatches)
    {
        if (samples < 1 || batchSize < 1)
            throw new ArgumentException($"An epoch needs samples and a batch size of at least 1; got {samples} samples in batches of {batchSize}.");
        int full = samples / batchSize, rest = dropLast ? 0 : samples % batchSize;
        int batches = full + (rest > 0 ? 1 : 0);
        if (maxBatches <= 0 || maxBatches >= batches) return (long)full * batchSize + rest;
        return (long)maxBatches * batchSize; // the first maxBatches batches are full unless the last one is among them
    }
}
