namespace SubnetNotebooks.Masking;

/// <summary>
/// How the ranked units (or weights) of one layer are dealt to M non-overlapping subnetworks. Every strategy is
/// balanced: each member receives floor(U/M) or ceil(U/M) of a layer's U units.
/// </summary>
public enum PartitionStrategy
{
    /// <summary>Rank units by descending score; the unit at rank r goes to member r mod M. The default: every member gets an equally strong share.</summary>
    RoundRobin,
    /// <summary>Greedy sequential pruning: member k keeps the best units left after members 0..k-1 took theirs (contiguous blocks of the ranking).</summary>
    Greedy,
    /// <summary>A seeded random permutation dealt round-robin: scores are ignored.</summary>
    Random,
    /// <summary>
    /// Antithetic random dealing: the ranking is cut into consecutive blocks of M ranks; blocks come in pairs, the first of a
    /// pair is dealt to the members in a fresh seeded random order and the second in the reverse of that order. A member that
    /// draws a strong unit in one block draws a weak one in the next, so the assignment is random yet every member's total
    /// score stays close to the others' (closer than round-robin, which always favours member 0).
    /// </summary>
    AntiRandom,
}
