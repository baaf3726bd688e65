using ActorNas.Core;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Core.Spaces.SpiderNet;

namespace ActorNas.Analysis;

/// <summary>A proposal, in log order (<paramref name="Index"/> 0, 1, ...), at seconds since the search started.</summary>
public sealed record Proposal(int Index, long Id, long? ParentId, Genotype Genotype, Mutation? Mutation, double At);

/// <summary>A successful evaluation, in the order results were recorded.</summary>
public sealed record Evaluation(long Id, double Start, double Finish, double Objective, string Worker);

/// <summary>
/// How an attempt ended. Superseded: a late result from an earlier attempt was recorded instead of this one's.
/// Cancelled: the budget was reached while it was running or queued at its slot (candidate-cancelled).
/// </summary>
public enum TaskOutcome { Evaluated, Failed, Released, Unfinished, Superseded, Cancelled }

/// <summary>
/// One attempt of a candidate on a worker, from its start to its result, failure or release. A slot with a lookahead
/// is handed its next candidate while it still evaluates one: that attempt starts when it was handed out or when the
/// slot's previous attempt ended, whichever is later.
/// </summary>
public sealed record WorkerTask(long CandidateId, string Worker, string Node, double Start, double End, TaskOutcome Outcome)
{
    public double Duration => End - Start;
}

public readonly record struct SeriesPoint(double Time, double Value);

/// <summary>
/// Folds a search's log, one event at a time, into what the analysis needs: one record per candidate, the proposals
/// in order, the evaluations in order, every worker attempt, and the population's median after each result. Events
/// are not kept, so a log is read as a stream; memory grows with the number of candidates. With an
/// <see cref="AnalysisWindow"/>, every event still folds into the search's state (so the population median stays
/// exact), but only the candidates proposed inside the window are recorded, with their attempts and results.
/// </summary>
public sealed class LogFold
{
    private readonly SearchState _state = new();
    private readonly Dictionary<long, (string Worker, string Node, double Start)> _running = [];
    // when each worker's latest closed attempt ended: a candidate queued behind it starts no earlier
    private readonly Dictionary<string, double> _workerFreeAt = new(StringComparer.Ordinal);
    private readonly List<Proposal> _proposals = [];
    private readonly List<Evaluation> _evaluations = [];
    private readonly List<WorkerTask> _tasks = [];
    private readonly List<SeriesPoint> _populationMedian = [];
    private readonly List<FadeStep> _fadeSteps = [];
    private readonly List<SpiderNetRound> _spiderRounds = [];
    // what each SpiderNet round left (its revised genotype): where the next round's growth started
    private readonly Dictionary<long, Genotype> _roundLeft = [];
    // every event carries its own copy of the worker's and node's names; one shared copy per name is kept
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    // every proposal carries its own genotype and mutation; a search revisits the same ones, so one copy of each is kept
    private readonly Dictionary<Genotype, Genotype> _genotypes = [];
    private readonly Dictionary<Mutation, Mutation> _mutations = [];
    private readonly SharedMetrics _metrics = new();
    private bool _idsIncrease = true;
    private double[] _medianScratch = [];

    public LogFold(AnalysisWindow? window = null)
    {
        Window = window ?? AnalysisWindow.Whole;
        ProposalsById = new ProposalLookup(_proposals, () => _idsIncrease);
    }

    /// <summary>Which candidates are recorded (all of them unless the analysis starts later).</summary>
    public AnalysisWindow Window { get; }
    public CandidateTrace Trace { get; } = new();
    public SearchStarted? Started { get; private set; }
    public SearchCompleted? Completed { get; private set; }
    public ISearchSpace Space => _state.Space;
    public IReadOnlyList<Proposal> Proposals => _proposals;
    /// <summary>The proposals by candidate id (a view of <see cref="Proposals"/>, not a copy).</summary>
    public IReadOnlyDictionary<long, Proposal> ProposalsById { get; }
    public IReadOnlyList<Evaluation> Evaluations => _evaluations;
    public IReadOnlyList<SeriesPoint> PopulationMedian => _populationMedian;
    /// <summary>The steps of a FaDE search (proposals ranked by a region supernet), in log order; empty for other searches.</summary>
    public IReadOnlyList<FadeStep> FadeSteps => _fadeSteps;
    /// <summary>The rounds of a SpiderNet search, in the order they were recorded; empty for other searches.</summary>
    public IReadOnlyList<SpiderNetRound> SpiderNetRounds => _spiderRounds;
    /// <summary>Events folded (inside the window or not).</summary>
    public long EventCount { get; private set; }
    /// <summary>Sequence number of the newest event folded: where a later analysis with --from-seq can go on (one after it).</summary>
    public long LastSequenceNr { get; private set; }
    /// <summary>Seconds from the start to the newest event.</summary>
    public double LastEventTime { get; private set; }

    /// <summary>Every attempt; those still running when the log ends are <see cref="TaskOutcome.Unfinished"/> at the last event.</summary>
    public IReadOnlyList<WorkerTask> Tasks =>
        _running.Count == 0 ? _tasks
            : [.. _tasks, .. _running.Where(r => Recorded(r.Key)).Select(r => new WorkerTask(r.Key, r.Value.Worker, r.Value.Node, StartOn(r.Value.Worker, r.Value.Start), LastEventTime, TaskOutcome.Unfinished))];

    /// <summary>Folds the event after the newest one (its sequence number is taken to be one more).</summary>
    public void Apply(ISearchEvent e) => Apply(LastSequenceNr + 1, e);

    /// <summary>Folds event <paramref name="sequenceNr"/> of the log.</summary>
    public void Apply(long sequenceNr, ISearchEvent e)
    {
        if (Started is null && e is not SearchStarted)
            throw new InvalidOperationException($"the log does not begin with SearchStarted (first event: {e.GetType().Name})");
        e = SharedNames(e);
        _state.Apply(e);
        EventCount++;
        LastSequenceNr = sequenceNr;
        switch (e)
        {
            case SearchStarted s:
                Started = s;
                Trace.Apply(e);
                break;
            case CandidateProposed p:
                if (Window.IsWhole || Window.Contains(sequenceNr, p.At))
                {
                    Trace.Apply(e);
                    if (_proposals.Count > 0 && _proposals[^1].Id >= p.Id) _idsIncrease = false;
                    _proposals.Add(new Proposal(_proposals.Count, p.Id, p.ParentId, p.Genotype, p.Mutation, Seconds(p.At)));
                    if (FadeStep.Of(_fadeSteps.Count + 1, p, Seconds(p.At), Space) is { } step) _fadeSteps.Add(step);
                }
                Touch(p.At);
                break;
            case CandidateStarted s:
                // every attempt is followed, recorded or not: when a slot is free depends on all it ran
                if (Recorded(s.Id)) Trace.Apply(e);
                _running[s.Id] = (s.Worker, s.Node, Seconds(s.At));
                Touch(s.At);
                break;
            case CandidateEvaluated v:
                Close(v.Id, Seconds(v.FinishedAt), TaskOutcome.Evaluated, v.Worker, v.Node, Seconds(v.StartedAt));
                if (Recorded(v.Id))
                {
                    Trace.Apply(e);
                    _evaluations.Add(new Evaluation(v.Id, Seconds(v.StartedAt), Seconds(v.FinishedAt), v.Objective, v.Worker));
                    _populationMedian.Add(new SeriesPoint(Seconds(v.FinishedAt), PopulationMedianNow()));
                    if (Space is SpiderNetSpace spider) AddRound(spider, v);
                }
                Touch(v.FinishedAt);
                break;
            case CandidateFailed f:
                if (Recorded(f.Id)) Trace.Apply(e);
                Close(f.Id, Seconds(f.At), TaskOutcome.Failed, f.Worker, null, null);
                Touch(f.At);
                break;
            case CandidateReleased r:
                if (Recorded(r.Id)) Trace.Apply(e);
                Close(r.Id, Seconds(r.At), TaskOutcome.Released, null, null, null);
                Touch(r.At);
                break;
            case CandidateCancelled c:
                if (Recorded(c.Id)) Trace.Apply(e);
                Close(c.Id, Seconds(c.At), TaskOutcome.Cancelled, null, null, null);
                Touch(c.At);
                break;
            case CandidateRetired r:
                if (Recorded(r.Id)) Trace.Apply(e);
                Touch(r.At);
                break;
            case SearchCompleted c:
                Completed = c;
                Trace.Apply(e);
                Touch(c.At);
                break;
            case SearchPaused p:
                Trace.Apply(e);
                Touch(p.At);
                break;
            case SearchResumed r:
                Trace.Apply(e);
                Touch(r.At);
                break;
            default:
                // an event type this fold does not study (a newer version's, say) still reaches the trace, as before
                Trace.Apply(e);
                break;
        }
    }

    private void AddRound(SpiderNetSpace space, CandidateEvaluated v)
    {
        if (!ProposalsById.TryGetValue(v.Id, out var proposal)) return;
        var parentLeft = proposal.ParentId is { } parent ? _roundLeft.GetValueOrDefault(parent) : null;
        _spiderRounds.Add(SpiderNetRound.Of(_spiderRounds.Count + 1, v, proposal.ParentId, Seconds(v.FinishedAt), space, proposal.Genotype, parentLeft));
        // one network: only the newest round's result is ever grown from
        _roundLeft.Clear();
        _roundLeft[v.Id] = v.Revised ?? proposal.Genotype;
    }

    /// <summary>Whether a candidate's attempts and results are recorded: it was proposed inside the window.</summary>
    private bool Recorded(long id) => Window.IsWhole || Trace.Contains(id);

    private ISearchEvent SharedNames(ISearchEvent e) => e switch
    {
        CandidateStarted s => s with { Worker = Shared(s.Worker), Node = Shared(s.Node) },
        CandidateEvaluated v => v with { Worker = Shared(v.Worker), Node = Shared(v.Node), Metrics = _metrics.Share(v.Metrics) },
        CandidateFailed f => f with { Worker = Shared(f.Worker) },
        CandidateProposed p => p with { Genotype = Shared(p.Genotype), Mutation = p.Mutation is { } m ? Shared(m) : null },
        _ => e,
    };

    private Genotype Shared(Genotype genotype)
    {
        if (genotype is null) return genotype!;
        if (_genotypes.TryGetValue(genotype, out var shared)) return shared;
        _genotypes[genotype] = genotype;
        return genotype;
    }

    private Mutation Shared(Mutation mutation)
    {
        if (_mutations.TryGetValue(mutation, out var shared)) return shared;
        _mutations[mutation] = mutation;
        return mutation;
    }

    private string Shared(string name)
    {
        if (name is null) return name!;
        if (_names.TryGetValue(name, out var shared)) return shared;
        _names[name] = name;
        return name;
    }

    private void Close(long id, double end, TaskOutcome outcome, string? worker, string? node, double? start)
    {
        if (outcome == TaskOutcome.Evaluated && _running.TryGetValue(id, out var other) && other.Worker != worker && start is not null)
        {
            // the candidate was re-issued, then the earlier worker's late result was recorded: the re-issued attempt's
            // work is wasted, and the result belongs to the worker that sent it
            _running.Remove(id);
            Add(id, other.Worker, other.Node, other.Start, end, TaskOutcome.Superseded);
            Add(id, worker!, node ?? "", start.Value, end, outcome, startMeasured: true);
        }
        else if (_running.Remove(id, out var open))
            Add(id, open.Worker, open.Node, open.Start, end, outcome);
        else if (worker is not null && start is not null)
            // a result without a recorded start (the start was in a log prefix not read): keep what the result says
            Add(id, worker, node ?? "", start.Value, end, outcome, startMeasured: true);
    }

    // startMeasured: the start is the evaluator's own (a result's StartedAt), not when the Population handed it out
    private void Add(long id, string worker, string node, double handedOut, double end, TaskOutcome outcome, bool startMeasured = false)
    {
        var start = startMeasured ? handedOut : StartOn(worker, handedOut);
        end = Math.Max(end, start);
        if (Recorded(id)) _tasks.Add(new WorkerTask(id, worker, node, start, end, outcome));
        _workerFreeAt[worker] = Math.Max(end, _workerFreeAt.GetValueOrDefault(worker, end));
    }

    private double StartOn(string worker, double handedOut) =>
        _workerFreeAt.TryGetValue(worker, out var free) ? Math.Max(handedOut, free) : handedOut;

    private double PopulationMedianNow()
    {
        var population = _state.Population;
        if (_medianScratch.Length < population.Count) _medianScratch = new double[Math.Max(population.Count, 2 * _medianScratch.Length)];
        for (var i = 0; i < population.Count; i++) _medianScratch[i] = population[i].Objective;
        return Quantiles.Median(_medianScratch.AsSpan(0, population.Count));
    }

    private double Seconds(DateTimeOffset at) => (at - Started!.At).TotalSeconds;

    private void Touch(DateTimeOffset at) => LastEventTime = Math.Max(LastEventTime, Seconds(at));
}
