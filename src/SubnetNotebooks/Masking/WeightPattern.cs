namespace SubnetNotebooks.Masking;

/// <summary>
/// Which weights of one layer a mask keeps, as a [outputs, inputs] matrix: a weight is used only when both the unit it reads
/// (input) and the unit it feeds (output) are kept, so a member that keeps 1/M of the inputs and 1/M of the outputs keeps
/// 1/M² of the weights. Subnetwork masks make blocks on the diagonal (units sorted by owner); a dropout mask a scattered grid.
/// </summary>
public static class WeightPattern
{
    /// <summary>[outputs, inputs]: k + 1 where member k owns both units, 0 where the weight belongs to no member.</summary>
    /// <param name="inputOwners">[inputs] the member owning each input unit (the previous layer's units)</param>
    /// <param name="outputOwners">[outputs] the member owning each output unit</param>
    /// <param name="byOwner">order the units by owner, so each member's weights form one block on the diagonal</param>
    public static double[,] Subnetworks(IReadOnlyList<int> inputOwners, IReadOnlyList<int> outputOwners, bool byOwner = true)
    {
        var inputs = Order(inputOwners, byOwner);
        var outputs = Order(outputOwners, byOwner);
        var pattern = new double[outputs.Length, inputs.Length];
        for (int o = 0; o < outputs.Length; o++)
            for (int i = 0; i < inputs.Length; i++)
                if (outputOwners[outputs[o]] == inputOwners[inputs[i]]) pattern[o, i] = outputOwners[outputs[o]] + 1;
        return pattern;
    }

    /// <summary>[outputs, inputs]: 1 where one dropout pass keeps both units, 0 elsewhere.</summary>
    /// <param name="inputKept">[inputs] the pass keeps this input unit</param>
    /// <param name="outputKept">[outputs] the pass keeps this output unit</param>
    public static double[,] Dropout(IReadOnlyList<bool> inputKept, IReadOnlyList<bool> outputKept)
    {
        var pattern = new double[outputKept.Count, inputKept.Count];
        for (int o = 0; o < outputKept.Count; o++)
            for (int i = 0; i < inputKept.Count; i++)
                if (outputKept[o] && inputKept[i]) pattern[o, i] = 1;
        return pattern;
    }

    /// <summary>The share of the weights equal to <paramref name="value"/> (a member's label k + 1, or 1 for a dropout pass).</summary>
    public static double Share(double[,] pattern, double value)
    {
        long count = 0;
        foreach (var v in pattern) if (v == value) count++;
        return (double)count / pattern.Length;
    }

    static int[] Order(IReadOnlyList<int> owners, bool byOwner) =>
        byOwner ? Enumerable.Range(0, owners.Count).OrderBy(u => owners[u]).ThenBy(u => u).ToArray() : Enumerable.Range(0, owners.Count).ToArray();
}
