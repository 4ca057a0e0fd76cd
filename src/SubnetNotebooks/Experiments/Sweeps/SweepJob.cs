namespace SubnetNotebooks.Experiments.Sweeps;

/// <summary>What one job trains: a whole method, the subnetwork ensemble's parent only, or its members after the parent.</summary>
public enum SweepStage
{
    /// <summary>A whole method in one job.</summary>
    Method,
    /// <summary>The subnetwork ensemble's parent only; its members are a second job.</summary>
    Parent,
    /// <summary>The subnetwork ensemble's members, after the parent job (they resume its finished checkpoint).</summary>
    Members
}

/// <summary>
/// One scheduler job of a sweep: one method of one experiment and seed, in its own run folder (relative to the sweep
/// folder). The subnetwork ensemble is two jobs in one folder: the parent, then the members, which resume the parent's
/// finished checkpoint.
/// </summary>
/// <param name="Id">unique, file-name safe: &lt;experiment&gt;.seed&lt;S&gt;.&lt;method&gt;[.parent]</param>
/// <param name="DependsOn">the id of the job that must finish first, or null</param>
/// <param name="Experiment">the experiment (profile and grid point) it belongs to</param>
/// <param name="Seed">the seed of its run folder</param>
/// <param name="Method">the method it trains</param>
/// <param name="Stage">a whole method, or the subnetwork ensemble's parent or members</param>
/// <param name="Folder">its run folder, relative to the sweep folder</param>
public sealed record SweepJob(string Id, string Experiment, long Seed, string Method, SweepStage Stage, string Folder, string? DependsOn = null)
{
    /// <summary>True for the job whose run folder holds the method's final metrics (every job except a parent).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Evaluates => Stage != SweepStage.Parent;
}
