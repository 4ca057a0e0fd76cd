using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace SubnetNotebooks.Ensembles;

/// <summary>What a training budget is counted in.</summary>
public enum BudgetCurrency
{
    /// <summary>Training FLOPs as executed (<see cref="Training.TrainingCost"/>): the same on every machine, however busy.</summary>
    Flops,
    /// <summary>Measured wall-clock seconds: what a run on this machine, at this load, took.</summary>
    Seconds,
}

/// <summary>
/// An epoch split of the subnetwork ensemble at a training budget: parent epochs P and member epochs S chosen so that
/// P x (cost of a parent epoch) + S x (cost of an epoch of all M members) matches a target, MC dropout's training cost. Costs are
/// in <see cref="Currency"/>: training FLOPs as executed, or seconds. The per-epoch costs are kept so the choice can be checked and
/// repeated on resume.
/// </summary>
/// <param name="ParentEpochs">P, epochs of the parent network</param>
/// <param name="MemberEpochs">S, epochs of every subnetwork</param>
/// <param name="Target">the budget: MC dropout's training cost (FLOPs counted; seconds measured, or estimated from a short timing)</param>
/// <param name="ParentEpochCost">cost of one parent epoch</param>
/// <param name="MembersEpochCost">cost of one epoch of all M subnetworks (fused: one grouped pass)</param>
/// <param name="ReferenceEpochCost">cost of one MC-dropout epoch</param>
/// <param name="Currency">what the costs count</param>
/// <param name="MeasuredReference">seconds: true when the target is MC dropout's measured training time, false when estimated; FLOPs: true (counted)</param>
/// <param name="MembersMeasured">true once S is set from the trained parent's split (FLOPs) or the measured parent and first member
/// epoch (seconds); false while S is the estimate made before the parent trained (a run interrupted before then goes on from there)</param>
public sealed record TrainingBudget(int ParentEpochs, int MemberEpochs, double Target, double ParentEpochCost, double MembersEpochCost,
    double ReferenceEpochCost, BudgetCurrency Currency, bool MeasuredReference, bool MembersMeasured = false)
{
    /// <summary>The cost the split is expected to take: P x parent epoch + S x members epoch.</summary>
    public double Predicted => ParentEpochs * ParentEpochCost + MemberEpochs * MembersEpochCost;

    /// <summary>The currency's name in configs and metrics: flops or seconds.</summary>
    public static string NameOf(BudgetCurrency currency) => currency.ToString().ToLowerInvariant();

    /// <summary>Parses budgetCurrency: flops or seconds; anything else is an error naming the setting.</summary>
    public static BudgetCurrency ParseCurrency(string value) => value.Trim().ToLowerInvariant() switch
    {
        "flops" => BudgetCurrency.Flops,
        "seconds" => BudgetCurrency.Seconds,
        _ => throw new ArgumentException($"budgetCurrency '{value}' is unknown: use flops (training FLOPs, the same on every machine) or seconds (measured wall-clock time) (--set budgetCurrency=flops)."),
    };

    /// <summary>
    /// The split (P, S) whose cost P x <paramref name="parentEpochCost"/> + S x <paramref name="membersEpochCost"/> is
    /// closest to <paramref name="target"/> while P : S stays near the configured <paramref name="parentEpochs"/> :
    /// <paramref name="memberEpochs"/>: both are scaled by k = target / (configured cost), P = round(k x parentEpochs), and S
    /// takes up what is left, round((target - P x parent epoch) / members epoch). Each is at least 1.
    /// </summary>
    public static (int ParentEpochs, int MemberEpochs) Split(double target, double parentEpochCost, double membersEpochCost,
        int parentEpochs, int memberEpochs)
    {
        Require(target, nameof(target));
        Require(parentEpochCost, nameof(parentEpochCost));
        Require(membersEpochCost, nameof(membersEpochCost));
        if (parentEpochs < 1 || memberEpochs < 1)
            throw new ArgumentException($"The configured split must have at least one epoch each; got parentEpochs = {parentEpochs}, subnetEpochs = {memberEpochs} (--set parentEpochs=... subnetEpochs=...).");
        double k = target / (parentEpochs * parentEpochCost + memberEpochs * membersEpochCost);
        int parent = Math.Max(1, (int)Math.Round(k * parentEpochs, MidpointRounding.AwayFromZero));
        return (parent, MemberEpochsFor(target, parent * parentEpochCost, membersEpochCost));
    }

    /// <summary>
    /// S once the parent has trained: what is left of the budget after the parent's cost, in member epochs,
    /// round((target - parent cost) / members epoch), at least 1.
    /// </summary>
    public static int MemberEpochsFor(double target, double parentCost, double membersEpochCost)
    {
        Require(target, nameof(target));
        Require(membersEpochCost, nameof(membersEpochCost));
        return Math.Max(1, (int)Math.Round((target - parentCost) / membersEpochCost, MidpointRounding.AwayFromZero));
    }

    static void Require(double cost, string name)
    {
        if (!(cost > 0) || !double.IsFinite(cost))
            throw new ArgumentException($"{name} must be a positive cost, got {cost}: time at least one training step first (seconds), or check the network's FLOP count (flops).", name);
    }

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    /// <summary>The budget as indented JSON (checkpoints/&lt;method&gt;/budget.json).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>
    /// Parses <see cref="ToJson"/>'s text; a budget.json written before budgets had a currency (TargetSeconds, ...) is a seconds
    /// budget and resumes as one.
    /// </summary>
    public static TrainingBudget FromJson(string json, string source)
    {
        try
        {
            var node = JsonNode.Parse(json)?.AsObject() ?? throw new JsonException("empty document");
            if (node.ContainsKey("TargetSeconds"))
                return new TrainingBudget((int)node["ParentEpochs"]!, (int)node["MemberEpochs"]!, (double)node["TargetSeconds"]!,
                    (double)node["ParentEpochSeconds"]!, (double)node["MembersEpochSeconds"]!, (double)node["ReferenceEpochSeconds"]!,
                    BudgetCurrency.Seconds, (bool)node["MeasuredReference"]!, (bool?)node["MembersMeasured"] ?? false);
            return JsonSerializer.Deserialize<TrainingBudget>(json, Json) ?? throw new JsonException("empty document");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            throw new InvalidDataException($"{source} is not a saved training budget ({e.Message}). Delete it to choose the split again.", e);
        }
    }
}
