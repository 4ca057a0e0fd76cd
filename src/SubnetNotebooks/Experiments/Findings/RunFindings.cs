using SubnetNotebooks.Metrics;

namespace SubnetNotebooks.Experiments.Findings;

/// <summary>
/// "What this run shows": the paper's claims that a notebook is about, each next to what the run measured, with a
/// computed verdict (<see cref="Finding"/>). Every function reads a run's method × metric table (metrics.json,
/// <see cref="ExperimentOutcome.Table"/>) and skips a claim whose methods the run did not train.
/// </summary>
public static class RunFindings
{
    /// <summary>Notebook 01: the deep ensemble against MC dropout, and the two diagnoses (member quality, diversity).</summary>
    public static IReadOnlyList<Finding> McDropoutGap(MetricsTable run) => Present(
        Higher(run, "The deep ensemble is more accurate than MC dropout", "deep", "mcdropout", "accuracy", "P2"),
        Lower(run, "The deep ensemble's NLL is lower than MC dropout's", "deep", "mcdropout", "nll"),
        Lower(run, "A dropout pass alone is less accurate than a deep-ensemble member alone", "mcdropout", "deep", "member.mean_accuracy", "P2"),
        Lower(run, "MC dropout's passes disagree less than the deep ensemble's members", "mcdropout", "deep", "diversity.disagreement"),
        Lower(run, "Averaging MC dropout's passes gains less NLL than averaging the deep ensemble's members", "mcdropout", "deep", "ensemble.nll_gain"))
        .Concat(EnsemblesBeatTheirMembers(run, "mcdropout", "deep")).ToArray();

    /// <summary>
    /// The paper's claim itself, the first findings of notebook 04: the subnetwork ensemble against MC dropout (before and after
    /// temperature scaling), the deep ensemble and the single model.
    /// </summary>
    public static IReadOnlyList<Finding> PaperClaim(MetricsTable run) => Present(
        Lower(run, "The subnetwork ensemble's NLL is lower than MC dropout's (before temperature scaling)", "subnet", "mcdropout", "nll"),
        Lower(run, "The subnetwork ensemble's NLL is lower than MC dropout's (after temperature scaling)", "subnet", "mcdropout", "ts.nll"),
        Lower(run, "The subnetwork ensemble's ECE is lower than MC dropout's (before temperature scaling)", "subnet", "mcdropout", "ece"),
        Lower(run, "The subnetwork ensemble's ECE is lower than MC dropout's (after temperature scaling)", "subnet", "mcdropout", "ts.ece"),
        Higher(run, "The subnetwork ensemble is more accurate than MC dropout", "subnet", "mcdropout", "accuracy", "P2"),
        Lower(run, "Averaging buys MC dropout less NLL than it buys the subnetwork ensemble (a flatter ensemble-size curve)", "mcdropout", "subnet", "ensemble.nll_gain"),
        Lower(run, "The subnetwork ensemble's NLL after temperature scaling is as low as the deep ensemble's or lower", "subnet", "deep", "ts.nll", orEqual: true),
        Lower(run, "The subnetwork ensemble's NLL is lower than the single model's", "subnet", "single", "nll"));

    /// <summary>Notebook 04: <see cref="PaperClaim"/>, then each ensemble against its own members.</summary>
    public static IReadOnlyList<Finding> Ensembles(MetricsTable run) =>
        PaperClaim(run).Concat(EnsemblesBeatTheirMembers(run, "mcdropout", "deep", "subnet")).ToArray();

    /// <summary>Notebook 05: the subnetwork ensemble's members against MC dropout's and the deep ensemble's in diversity and quality.</summary>
    public static IReadOnlyList<Finding> Diversity(MetricsTable run) => Present(
        Higher(run, "The subnetwork ensemble's members disagree more than MC dropout's passes", "subnet", "mcdropout", "diversity.disagreement"),
        Higher(run, "The subnetwork ensemble's members disagree more than the deep ensemble's", "subnet", "deep", "diversity.disagreement"),
        Lower(run, "The subnetwork ensemble's members make less correlated errors than MC dropout's passes", "subnet", "mcdropout", "diversity.error_correlation"),
        Higher(run, "A subnetwork alone is as accurate as a dropout pass alone or more", "subnet", "mcdropout", "member.mean_accuracy", "P2", orEqual: true));

    /// <summary>Notebook 06: what the subnetwork ensemble costs against one network, MC dropout and the deep ensemble.</summary>
    public static IReadOnlyList<Finding> Cost(MetricsTable run) => Present(
        Lower(run, "The subnetwork ensemble (all members) has fewer parameters than one network", "subnet", "single", "cost.parameters", "N0"),
        Lower(run, "The subnetwork ensemble predicts with fewer FLOPs per example than MC dropout's M passes", "subnet", "mcdropout", "cost.flops_per_example", "N0"),
        Lower(run, "The subnetwork ensemble trains in less time than the deep ensemble (seconds)", "subnet", "deep", "cost.train_seconds", "F1"),
        Lower(run, "The subnetwork ensemble trains in less time than MC dropout (seconds)", "subnet", "mcdropout", "cost.train_seconds", "F1"));

    /// <summary>Notebook 07: out-of-distribution detection (AUROC of the predictive entropy) and quality at the strongest corruption.</summary>
    public static IReadOnlyList<Finding> ShiftAndOod(MetricsTable run)
    {
        var severity = run.Columns.Select(c => c.Split('.')).Where(p => p.Length == 4 && p[0] == "shift" && p[1] == "mean" && int.TryParse(p[2], out _))
            .Select(p => int.Parse(p[2])).DefaultIfEmpty(0).Max();
        return Present(
            Higher(run, "The subnetwork ensemble tells MNIST from Fashion-MNIST better than MC dropout (AUROC of entropy)", "subnet", "mcdropout", "ood.auroc.entropy", "F3"),
            Higher(run, "The subnetwork ensemble tells MNIST from Fashion-MNIST better than the single model (AUROC of entropy)", "subnet", "single", "ood.auroc.entropy", "F3"),
            severity == 0 ? null : Lower(run, $"At corruption severity {severity} the subnetwork ensemble's NLL is lower than MC dropout's", "subnet", "mcdropout", $"shift.mean.{severity}.nll"),
            severity == 0 ? null : Lower(run, $"At corruption severity {severity} the subnetwork ensemble's ECE is lower than the single model's", "subnet", "single", $"shift.mean.{severity}.ece"));
    }

    /// <summary>
    /// Notebook 08: the ablations, from a table with one row per variant named "field=value" (see <see cref="AblationTable"/>).
    /// The ensemble-size claim compares the largest and the smallest M present.
    /// </summary>
    public static IReadOnlyList<Finding> Ablations(MetricsTable variants)
    {
        var sizes = variants.Methods.Where(m => m.StartsWith("members=", StringComparison.Ordinal))
            .Select(m => int.TryParse(m["members=".Length..], out var k) ? k : 0).Where(k => k > 0).Order().ToArray();
        return Present(
            Lower(variants, "Inheriting the parent's weights gives a lower NLL than re-initialising them", "inherit=true", "inherit=false", "nll"),
            Lower(variants, "Scoring units by weight magnitude gives a lower NLL than random scores", "criterion=magnitude", "criterion=random", "nll"),
            Lower(variants, "Round-robin partition (an equally strong share each) gives a lower NLL than greedy (the first member keeps the best)", "partition=roundrobin", "partition=greedy", "nll"),
            Lower(variants, "Unit masks (thin dense subnetworks) cost fewer FLOPs per example than weight masks", "granularity=unit", "granularity=weight", "cost.flops_per_example", "N0"),
            sizes.Length < 2 ? null : Higher(variants, $"More members (M = {sizes[^1]}) disagree more than fewer (M = {sizes[0]})", $"members={sizes[^1]}", $"members={sizes[0]}", "diversity.disagreement"));
    }

    /// <summary>The variants of an ablation study as a table with one row per "field=value" (the base as "base").</summary>
    public static MetricsTable AblationTable(IEnumerable<AblationResult> variants)
    {
        var table = new MetricsTable();
        foreach (var v in variants) table.Add(v.Field.Length == 0 ? "base" : $"{v.Field}={v.Value}", v.Outcome.Flatten());
        return table;
    }

    /// <summary>Notebook 08 from the study's variants (<see cref="AblationTable"/>, then <see cref="Ablations(MetricsTable)"/>).</summary>
    public static IReadOnlyList<Finding> Ablations(IEnumerable<AblationResult> variants) => Ablations(AblationTable(variants));

    /// <summary>Notebook 03: the trained subnetworks against their parent, and what each added member buys.</summary>
    /// <param name="run">the run's table (its subnet row)</param>
    /// <param name="parentAccuracy">the parent's test accuracy</param>
    /// <param name="parentNll">the parent's test NLL</param>
    /// <param name="nllBySize">[M] test NLL of the ensemble of the first k subnetworks, k = 1..M</param>
    public static IReadOnlyList<Finding> Subnetworks(MetricsTable run, double parentAccuracy, double parentNll, IReadOnlyList<double> nllBySize)
    {
        var found = new List<Finding>();
        if (run.Get("subnet", "nll") is { } nll)
            found.Add(Finding.Lower("The subnetwork ensemble's NLL is lower than its parent's", nll, parentNll));
        if (run.Get("subnet", "member.mean_accuracy") is { } member)
            found.Add(Finding.Lower("A subnetwork alone is less accurate than the parent it was cut from", member, parentAccuracy, "P2"));
        if (nllBySize.Count > 1)
            found.Add(new Finding($"Every added subnetwork lowers the ensemble's NLL (all {nllBySize.Count} members vs the first alone)", nllBySize[^1], nllBySize[0],
                nllBySize.Zip(nllBySize.Skip(1)).All(p => p.Second < p.First)));
        found.AddRange(EnsemblesBeatTheirMembers(run, "subnet"));
        return found;
    }

    /// <summary>Notebook 02: the split's three properties: no unit shared, disjoint masks, each subnetwork a small part of the parent.</summary>
    /// <param name="sharedUnits">units kept by more than one member</param>
    /// <param name="largestIoU">the largest IoU between two different members' masks</param>
    /// <param name="parentParameters">the parent's parameters</param>
    /// <param name="memberParameters">[M] each subnetwork's parameters</param>
    public static IReadOnlyList<Finding> Split(long sharedUnits, double largestIoU, long parentParameters, IReadOnlyList<long> memberParameters) =>
    [
        new("No unit is kept by two subnetworks (units shared)", sharedUnits, 0, sharedUnits == 0, "N0"),
        new("The masks are disjoint (largest IoU of two members' masks)", largestIoU, 0, largestIoU == 0, "F3"),
        Finding.Lower("The subnetworks together have fewer parameters than their parent", memberParameters.Sum(), parentParameters, "N0"),
        new($"Each subnetwork has at most 1/M of its parent's parameters (largest subnetwork vs parent / {memberParameters.Count})", memberParameters.Max(),
            (double)parentParameters / memberParameters.Count, memberParameters.Max() <= (double)parentParameters / memberParameters.Count, "N0"),
    ];

    /// <summary>For each of <paramref name="methods"/> in the run: its ensemble's NLL against its mean member's.</summary>
    public static IEnumerable<Finding> EnsemblesBeatTheirMembers(MetricsTable run, params string[] methods) =>
        methods.Select(m => LowerAcross(run, $"{Name(m)}: the averaged prediction has a lower NLL than the mean member", m, "nll", m, "member.mean_nll")).OfType<Finding>();

    /// <summary>How the sentences call a method.</summary>
    public static string Name(string method) => method switch
    {
        "single" => "The single model",
        "mcdropout" => "MC dropout",
        "deep" => "The deep ensemble",
        "subnet" => "The subnetwork ensemble",
        _ => method,
    };

    static Finding? Lower(MetricsTable run, string claim, string method, string other, string metric, string format = "F4", bool orEqual = false) =>
        LowerAcross(run, claim, method, metric, other, metric, format, orEqual);

    static Finding? LowerAcross(MetricsTable run, string claim, string method, string metric, string other, string otherMetric, string format = "F4", bool orEqual = false) =>
        run.Get(method, metric) is { } a && run.Get(other, otherMetric) is { } b ? new Finding(claim, a, b, orEqual ? a <= b : a < b, format) : null;

    static Finding? Higher(MetricsTable run, string claim, string method, string other, string metric, string format = "F4", bool orEqual = false) =>
        run.Get(method, metric) is { } a && run.Get(other, metric) is { } b ? new Finding(claim, a, b, orEqual ? a >= b : a > b, format) : null;

    static IReadOnlyList<Finding> Present(params Finding?[] findings) => findings.OfType<Finding>().ToArray();
}
