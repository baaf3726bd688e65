using ActorNas.Core;
using ActorNas.Core.Events;
using ActorNas.Core.Spaces.SpiderNet;

namespace ActorNas.Analysis;

/// <summary>
/// One round of a SpiderNet search (a spidernet candidate evaluated): the network it trained (nodes, edges and live ops
/// over all cells), the splits that grew it from the network the round before left (one node each; null when that
/// round is outside the analysis window), the ops its pruning removed, the parameters and the memory estimate the
/// evaluator recorded, its accuracy, and both networks in the space's notation.
/// </summary>
public sealed record SpiderNetRound(int Round, long Id, long? ParentId, double At, int Nodes, int Edges, int AliveOps, int? Splits, int PrunedOps,
    double? Parameters, double? ParametersAfterPruning, double? TrainingMbEstimate, double Objective, string Trained, string Left)
{
    /// <param name="trained">The genotype the round trained (its proposal's).</param>
    /// <param name="parentLeft">The genotype the parent's round left (its revised genotype), or null when unknown.</param>
    public static SpiderNetRound Of(int round, CandidateEvaluated v, long? parentId, double at, SpiderNetSpace space, Genotype trained, Genotype? parentLeft)
    {
        var cells = space.Decode(trained);
        var left = space.Decode(v.Revised ?? trained);
        int? splits = parentId is null ? 0 : parentLeft is null ? null : cells.Sum(c => c.Nodes) - space.Decode(parentLeft).Sum(c => c.Nodes);
        return new SpiderNetRound(round, v.Id, parentId, at, cells.Sum(c => c.Nodes), cells.Sum(c => c.Edges.Count), cells.Sum(c => c.AliveOps), splits,
            cells.Sum(c => c.AliveOps) - left.Sum(c => c.AliveOps), Metric(v, "parameters"), Metric(v, "parametersAfterPruning"),
            Metric(v, "trainingMbEstimate"), v.Objective, space.Format(trained), space.Format(v.Revised ?? trained));
    }

    private static double? Metric(CandidateEvaluated v, string name) => v.Metrics is { } m && m.TryGetValue(name, out var x) ? x : null;
}
