namespace ActorNas.Core.Evolution;

/// <summary>What screening saw: the proxy score of each mutant in draw order, and which one was proposed.</summary>
public sealed record ScreenedMutants(IReadOnlyList<double> Scores, int Chosen);
