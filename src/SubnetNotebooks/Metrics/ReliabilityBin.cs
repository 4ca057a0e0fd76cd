namespace SubnetNotebooks.Metrics;

/// <summary>One bar of a reliability diagram: the samples whose confidence falls in (Lower, Upper].</summary>
/// <param name="Lower">lower edge of the confidence interval (exclusive, except 0 for the first bin)</param>
/// <param name="Upper">upper edge (inclusive)</param>
/// <param name="MeanConfidence">mean confidence of the samples in the bin; 0 when empty</param>
/// <param name="Accuracy">fraction of them predicted correctly; 0 when empty</param>
/// <param name="Count">how many samples fell in the bin</param>
public sealed record ReliabilityBin(double Lower, double Upper, double MeanConfidence, double Accuracy, int Count)
{
    /// <summary>|Accuracy − MeanConfidence|, the bin's calibration gap.</summary>
    public double Gap => Math.Abs(Accuracy - MeanConfidence);
}
