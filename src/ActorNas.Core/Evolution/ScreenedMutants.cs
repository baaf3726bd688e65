namespace ActorNas.Core.Evolution;

/// <summary>What screening saw: the proxy score of each mutant in draw order, and which one was proposed.</summary>
/// <param name="Mutants">FaDE only: the ranked neighbours of the centre, in draw order (one per score).</param>
/// <param name="Region">FaDE only: per stage, the catalogue indices of the region's candidate graphs (the parent's first).</param>
/// <param name="Weights">FaDE only: per stage, softmax(α) of the trained region supernet, one weight per candidate in
/// <paramref name="Region"/>'s order. With the two, every architecture of the region can be ranked again.</param>
public sealed record ScreenedMutants(
    IReadOnlyList<double> Scores,
    int Chosen,
    IReadOnlyList<Genotype>? Mutants = null,
    IReadOnlyList<IReadOnlyList<int>>? Region = null,
    IReadOnlyList<IReadOnlyList<double>>? Weights = null);
