using System.Globalization;
using System.Text;
using ActorNas.Core.Events;

namespace ActorNas.Analysis.Output;

/// <summary>fade-steps.csv: one row per FaDE step, with the objective of the centre it left and of the one it proposed.</summary>
public static class FadeStepsCsv
{
    public const string Header =
        "step,candidate_id,parent_id,time,region_sizes,region_architectures,neighbours,centre_score,chosen_score,centre_rank,parent_objective,objective";

    public static void Write(IReadOnlyList<FadeStep> steps, CandidateTrace trace, string path)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        writer.WriteLine(Header);
        foreach (var s in steps)
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.Step},{s.Id},{s.ParentId},{s.At:F3},{string.Join('x', s.RegionSizes)},{s.RegionArchitectures},{s.Neighbours},{s.CentreScore:R},{s.ChosenScore:R},{s.CentreRank},{ObjectiveOf(trace, s.ParentId)},{ObjectiveOf(trace, s.Id)}"));
    }

    /// <summary>The candidate's objective, or empty while it is not evaluated (or outside the analysis window).</summary>
    public static string ObjectiveOf(CandidateTrace trace, long id) =>
        trace.TryGet(id, out var r) && r.Objective is { } o ? o.ToString("R", CultureInfo.InvariantCulture) : "";
}
