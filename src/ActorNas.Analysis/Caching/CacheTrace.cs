using System.Globalization;
using ActorNas.Core.Caching;

namespace ActorNas.Analysis.Caching;

/// <summary>
/// What a weight cache would have seen during a search, rebuilt from its log: when an attempt starts (in start order,
/// ties by candidate id) the search's donor choice (the candidate's parent, when it has one) and a request for every
/// layer of the candidate's model; when an evaluation finishes (in finish order) an offer of each of its layers, with
/// the candidate as owner, after the evaluated model itself (its objective and parent, for policies that rank models). Starts and finishes interleave by time, and a finish at the same instant as a start comes
/// first (a worker stores its model's layers before it asks for the next candidate, which may be that model's child),
/// except an evaluation that took no time, which offers after its own start. Failed attempts ask but offer nothing.
/// </summary>
/// <remarks>
/// A search whose evaluator is <c>command</c> hands its children a checkpoint, not layers: there each candidate is one
/// payload (<c>checkpoint:ID</c>), a start asks for its parent's checkpoint and a finish offers its own, as the live
/// WeightCache does (docs/weight-cache.md). The study then counts checkpoints where it counts layers otherwise.
/// Layers are named as in the layer-request trace (<see cref="LayerReuse.Identities"/>, 16 hex digits). Each distinct
/// name is kept once; the events are generated on demand, so only the request names (for Belady) grow with the log.
/// </remarks>
public sealed class CacheTrace
{
    private readonly List<(double Time, int Order, long Id, long? Parent, string[] Layers, double Objective)> _steps;

    private CacheTrace(List<(double, int, long, long?, string[], double)> steps, List<string> requests, int distinctOffered,
        int populationSize, int sampleSize, string payload)
    {
        Payload = payload;
        _steps = steps;
        RequestSequence = requests;
        DistinctOffered = distinctOffered;
        PopulationSize = populationSize;
        SampleSize = sampleSize;
    }

    /// <summary>What one unit of the study is: <c>layer</c>, or <c>checkpoint</c> for a command-evaluator search.</summary>
    public string Payload { get; }

    /// <summary>P of the search (from its SearchStarted; the default when the log has none).</summary>
    public int PopulationSize { get; }

    /// <summary>S of the search.</summary>
    public int SampleSize { get; }

    /// <summary>Every layer request, in order (what Belady is built from).</summary>
    public IReadOnlyList<string> RequestSequence { get; }

    public int Requests => RequestSequence.Count;

    /// <summary>Distinct layers offered over the whole search: "all stored layers", the unit of the study's capacities.</summary>
    public int DistinctOffered { get; }

    public static CacheTrace Of(LogFold fold)
    {
        ArgumentNullException.ThrowIfNull(fold);
        var proposals = fold.ProposalsById;
        var names = new Dictionary<ulong, string>();
        // one array per distinct genotype, not per candidate: a search proposes the same architectures again
        var layersOf = new Dictionary<Core.Genotype, string[]>();
        var checkpoints = fold.Started?.Config.Evaluator == CommandEvaluatorName;
        string[] Layers(long id)
        {
            if (checkpoints) return [CheckpointName(id)];
            var genotype = proposals[id].Genotype;
            if (layersOf.TryGetValue(genotype, out var known)) return known;
            var ids = LayerReuse.Identities(genotype);
            var layers = new string[ids.Length];
            for (var p = 0; p < ids.Length; p++)
            {
                if (!names.TryGetValue(ids[p], out var name)) names[ids[p]] = name = ids[p].ToString("x16", CultureInfo.InvariantCulture);
                layers[p] = name;
            }
            return layersOf[genotype] = layers;
        }

        // order 0: a finish before a start at the same instant; 1: a start; 2: a finish of an evaluation that took no time
        var tasks = fold.Tasks;
        var steps = new List<(double Time, int Order, long Id, long? Parent, string[] Layers, double Objective)>(tasks.Count + fold.Evaluations.Count);
        foreach (var t in tasks)
            if (proposals.TryGetValue(t.CandidateId, out var p)) steps.Add((t.Start, 1, t.CandidateId, p.ParentId, Requested(t.CandidateId, p.ParentId), 0));
        var offered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in fold.Evaluations)
        {
            if (!proposals.ContainsKey(e.Id)) continue;
            var layers = Layers(e.Id);
            steps.Add((e.Finish, e.Finish > e.Start ? 0 : 2, e.Id, proposals[e.Id].ParentId, layers, e.Objective));
            offered.UnionWith(layers);
        }
        steps.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Order != b.Order ? a.Order.CompareTo(b.Order) : a.Id.CompareTo(b.Id));

        var requests = new List<string>(steps.Sum(s => s.Order == 1 ? s.Layers.Length : 0));
        foreach (var s in steps)
            if (s.Order == 1) requests.AddRange(s.Layers);
        var population = fold.Started?.Config.PopulationSize ?? DonorPopularityPolicy.DefaultPopulation;
        var sample = Math.Min(fold.Started?.Config.SampleSize ?? DonorPopularityPolicy.DefaultSample, population);
        return new CacheTrace(steps, requests, offered.Count, population, sample, checkpoints ? "checkpoint" : "layer");

        // what a start asks the cache for: the model's layers, or the parent's checkpoint (nothing for a first candidate)
        string[] Requested(long id, long? parent) =>
            !checkpoints ? Layers(id) : parent is { } donor ? [CheckpointName(donor)] : [];
    }

    private const string CommandEvaluatorName = "command";

    private static string CheckpointName(long id) => string.Create(CultureInfo.InvariantCulture, $"checkpoint:{id}");

    /// <summary>The donor choices, requests, evaluated models and offers, in order.</summary>
    public IEnumerable<CacheEvent> Events()
    {
        foreach (var (_, order, id, parent, layers, objective) in _steps)
        {
            if (order == 1)
            {
                if (parent is { } donor) yield return CacheEvent.DonorChosen(donor);
                foreach (var layer in layers) yield return CacheEvent.Request(layer);
            }
            else
            {
                yield return CacheEvent.Evaluated(new EvaluatedModel(id, parent, objective, layers));
                foreach (var layer in layers) yield return CacheEvent.Offer(layer, id);
            }
        }
    }
}
