using System.Globalization;
using System.Text;

namespace ActorNas.Analysis.Output;

/// <summary>spidernet-rounds.csv: one row per SpiderNet round, in the order the rounds were recorded; the two genotypes
/// (the network the round trained, and what its pruning left) are quoted, as they hold commas.</summary>
public static class SpiderNetRoundsCsv
{
    public const string Header =
        "round,candidate_id,parent_id,time,nodes,edges,alive_ops,splits,pruned_ops,parameters,parameters_after_pruning,training_mb_estimate,objective,genotype,pruned_genotype";

    public static void Write(IReadOnlyList<SpiderNetRound> rounds, string path)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        writer.WriteLine(Header);
        foreach (var r in rounds)
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Round},{r.Id},{r.ParentId},{r.At:F3},{r.Nodes},{r.Edges},{r.AliveOps},{r.Splits},{r.PrunedOps},{r.Parameters:R},{r.ParametersAfterPruning:R},{r.TrainingMbEstimate:R},{r.Objective:R},\"{r.Trained}\",\"{r.Left}\""));
    }
}
