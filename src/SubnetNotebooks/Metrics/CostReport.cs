namespace SubnetNotebooks.Metrics;

/// <summary>What a method costs to train and run, beside what it scores.</summary>
/// <param name="Method">method name, e.g. "subnetwork"</param>
/// <param name="Members">ensemble size M</param>
/// <param name="ActiveParameters">parameters used at inference (non-zero after masking), all members together</param>
/// <param name="FlopsPerExample">floating-point operations per input example at inference, all members (a multiply-add counts 2)</param>
/// <param name="TrainingSeconds">wall time of training, all stages</param>
/// <param name="InferenceSeconds">wall time to predict the test set</param>
/// <param name="ImagesPerSecond">test images predicted per second</param>
/// <param name="PeakMemoryBytes">peak resident memory of the process (see <see cref="CostMeasurement.PeakMemoryBytes"/>)</param>
public sealed record CostReport(string Method, int Members, long ActiveParameters, double FlopsPerExample, double TrainingSeconds,
    double InferenceSeconds, double ImagesPerSecond, long PeakMemoryBytes)
{
    /// <summary>Scalars under "cost.members", "cost.active_parameters", "cost.flops_per_example", "cost.training_seconds", "cost.inference_seconds", "cost.images_per_second", "cost.peak_memory_bytes".</summary>
    public void AddTo(IDictionary<string, double> into)
    {
        into["cost.members"] = Members;
        into["cost.active_parameters"] = ActiveParameters;
        into["cost.flops_per_example"] = FlopsPerExample;
        into["cost.training_seconds"] = TrainingSeconds;
        into["cost.inference_seconds"] = InferenceSeconds;
        into["cost.images_per_second"] = ImagesPerSecond;
        into["cost.peak_memory_bytes"] = PeakMemoryBytes;
    }
}
