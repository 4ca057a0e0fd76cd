namespace SubnetNotebooks.Ensembles;

/// <summary>
/// An epoch split of the subnetwork ensemble at a training budget: parent epochs P and member epochs S chosen so that
/// P x (seconds of a parent epoch) + S x (seconds of an epoch of all M members) matches a target, such as MC dropout's
/// measured training time. The per-epoch costs are kept so the choice can be checked and repeated on resume.
/// </summary>
/// <param name="ParentEpochs">P, epochs of the parent network</param>
/// <param name="MemberEpochs">S, epochs of every subnetwork</param>
/// <param name="TargetSeconds">the budget: MC dropout's training seconds (measured, or estimated from a short timing)</param>
/// <param name="ParentEpochSeconds">seconds of one parent epoch</param>
/// <param name="MembersEpochSeconds">seconds of one epoch of all M subnetworks (fused: one grouped pass)</param>
/// <param name="ReferenceEpochSeconds">seconds of one MC-dropout epoch</param>
/// <param name="MeasuredReference">true when the target is MC dropout's measured training time in this run, false when estimated</param>
/// <param name="MembersMeasured">true once S is set from the trained parent's and the first member epoch's measured seconds;
/// false while S is the short timing's estimate (a run interrupted before then goes on from there)</param>
public sealed record TrainingBudget(int ParentEpochs, int MemberEpochs, double TargetSeconds, double ParentEpochSeconds,
    double MembersEpochSeconds, double ReferenceEpochSeconds, bool MeasuredReference, bool MembersMeasured = false)
{
    /// <summary>The training seconds the split is expected to take: P x parent epoch + S x members epoch.</summary>
    public double PredictedSeconds => ParentEpochs * ParentEpochSeconds + MemberEpochs * MembersEpochSeconds;

    /// <summary>
    /// The split (P, S) whose cost P x <paramref name="parentEpochSeconds"/> + S x <paramref name="membersEpochSeconds"/> is
    /// closest to <paramref name="targetSeconds"/> while P : S stays near the configured <paramref name="parentEpochs"/> :
    /// <paramref name="memberEpochs"/>: both are scaled by k = target / (configured cost), P = round(k x parentEpochs), and S
    /// takes up what is left, round((target - P x parent epoch) / members epoch). Each is at least 1.
    /// </summary>
    public static (int ParentEpochs, int MemberEpochs) Split(double targetSeconds, double parentEpochSeconds, double membersEpochSeconds,
        int parentEpochs, int memberEpochs)
    {
        Require(targetSeconds, nameof(targetSeconds));
        Require(parentEpochSeconds, nameof(parentEpochSeconds));
        Require(membersEpochSeconds, nameof(membersEpochSeconds));
        if (parentEpochs < 1 || memberEpochs < 1)
            throw new ArgumentException($"The configured split must have at least one epoch each; got parentEpochs = {parentEpochs}, subnetEpochs = {memberEpochs} (--set parentEpochs=... subnetEpochs=...).");
        double k = targetSeconds / (parentEpochs * parentEpochSeconds + memberEpochs * membersEpochSeconds);
        int parent = Math.Max(1, (int)Math.Round(k * parentEpochs, MidpointRounding.AwayFromZero));
        return (parent, MemberEpochsFor(targetSeconds, parent * parentEpochSeconds, membersEpochSeconds));
    }

    /// <summary>
    /// S once the parent has trained: what is left of the budget after the parent's seconds, in member epochs,
    /// round((target - parent seconds) / members epoch), at least 1.
    /// </summary>
    public static int MemberEpochsFor(double targetSeconds, double parentSeconds, double membersEpochSeconds)
    {
        Require(targetSeconds, nameof(targetSeconds));
        Require(membersEpochSeconds, nameof(membersEpochSeconds));
        return Math.Max(1, (int)Math.Round((targetSeconds - parentSeconds) / membersEpochSeconds, MidpointRounding.AwayFromZero));
    }

    static void Require(double seconds, string name)
    {
        if (!(seconds > 0) || !double.IsFinite(seconds))
            throw new ArgumentException($"{name} must be a positive number of seconds, got {seconds}: time at least one training step first.", name);
    }
}
