using ActorNas.Core;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;

namespace ActorNas.Analysis.Tests.TestSupport;

/// <summary>
/// Writes small, consistent search logs by hand. Times are seconds after <see cref="Epoch"/>; every method appends the
/// events a real search would write at that point, and <see cref="Evaluate"/> adds the retirement of the oldest member
/// when the population would exceed P, and the completion when the budget is reached.
/// </summary>
internal sealed class LogBuilder
{
    public static readonly DateTimeOffset Epoch = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset At(double seconds) => Epoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));

    public static SearchSpaceSpec Nb201 { get; } = new(Nb201Space.SpaceName);

    /// <summary>Three layers: positions op0, skip0, op1, skip1, op2, skip2; 19 operation values, skips 0..1, 0..2, 0..3.</summary>
    public static SearchSpaceSpec Sequential3 { get; } = new(SequentialSpace.SpaceName, new SequentialSpaceSettings { Layers = 3 });

    private readonly List<ISearchEvent> _events = [];
    private readonly List<long> _population = [];                 // evaluated ids, oldest first
    private readonly Dictionary<long, Genotype> _genotypes = [];
    private readonly Dictionary<long, int> _attempts = [];
    private int _evaluated;

    public LogBuilder(int populationSize, int budget = 1000, SearchSpaceSpec? space = null, int maxAttempts = 3, string evaluator = "tabular")
    {
        Config = new SearchSettings
        {
            Space = space ?? Nb201, PopulationSize = populationSize, SampleSize = Math.Min(2, populationSize), Budget = budget,
            MaxAttempts = maxAttempts, Seed = 7, Evaluator = evaluator,
        };
        Config.Validate();
        Space = Config.Space.Create();
        _events.Add(new SearchStarted(Config, Epoch));
    }

    public SearchSettings Config { get; }
    public ISearchSpace Space { get; }
    public IReadOnlyList<ISearchEvent> Events => _events;
    public bool Completed => _events[^1] is SearchCompleted;

    public Genotype GenotypeOf(long id) => _genotypes[id];

    /// <summary>The integer form "0,1,2,3,4,0", checked against the space.</summary>
    public Genotype G(string values) => Space.ParseSequence(values);

    public LogBuilder ProposeRandom(long id, string genotype, double at) => Propose(id, null, G(genotype), null, at);

    /// <summary>The parent's genotype with <paramref name="position"/> set to <paramref name="to"/>.</summary>
    public LogBuilder ProposeChild(long id, long parent, int position, int to, double at)
    {
        var from = _genotypes[parent];
        return Propose(id, parent, from.With(position, to), new Mutation(position, from[position], to), at);
    }

    public LogBuilder Propose(long id, long? parent, Genotype genotype, Mutation? mutation, double at)
    {
        Space.Validate(genotype);
        _genotypes[id] = genotype;
        _events.Add(new CandidateProposed(id, parent, genotype, mutation, parent is null ? null : [parent.Value], 0, At(at)));
        return this;
    }

    public LogBuilder Start(long id, string worker, double at, string? node = null)
    {
        var attempt = _attempts.GetValueOrDefault(id) + 1;
        _attempts[id] = attempt;
        _events.Add(new CandidateStarted(id, worker, node ?? NodeOf(worker), attempt, At(at)));
        return this;
    }

    public LogBuilder Evaluate(long id, double objective, double start, double finish, string worker,
        IReadOnlyDictionary<string, double>? metrics = null, string? node = null)
    {
        if (_population.Count + 1 > Config.PopulationSize)
        {
            _events.Add(new CandidateRetired(_population[0], At(finish)));
            _population.RemoveAt(0);
        }
        _events.Add(new CandidateEvaluated(id, objective, metrics, At(start), At(finish), worker, node ?? NodeOf(worker)));
        _population.Add(id);
        if (++_evaluated >= Config.Budget) _events.Add(new SearchCompleted("budget", At(finish)));
        return this;
    }

    /// <summary>The current attempt fails; final when it was the last allowed attempt.</summary>
    public LogBuilder Fail(long id, string worker, double at, string reason = "boom")
    {
        var attempt = _attempts.GetValueOrDefault(id);
        _events.Add(new CandidateFailed(id, reason, attempt, attempt >= Config.MaxAttempts, worker, At(at)));
        return this;
    }

    public LogBuilder Release(long id, double at, string reason = "worker lost")
    {
        _events.Add(new CandidateReleased(id, reason, At(at)));
        return this;
    }

    /// <summary>A running or queued candidate is cancelled (the budget was reached first).</summary>
    public LogBuilder Cancel(long id, double at, string reason = "budget reached")
    {
        _events.Add(new CandidateCancelled(id, reason, At(at)));
        return this;
    }

    public LogBuilder Complete(double at, string reason = "budget")
    {
        _events.Add(new SearchCompleted(reason, At(at)));
        return this;
    }

    public LogFold Fold()
    {
        var fold = new LogFold();
        foreach (var e in _events) fold.Apply(e);
        return fold;
    }

    public static string NodeOf(string worker) => "node-" + worker;

    /// <summary>
    /// A log from a compact description: each candidate is proposed and started at its start time and evaluated at its
    /// finish time (null: still running when the log ends). At equal times results come before proposals (a worker
    /// finishes, then takes new work); otherwise the description's order is kept.
    /// </summary>
    public static LogBuilder Of(int populationSize, int budget, SearchSpaceSpec? space, params Cand[] candidates)
    {
        var log = new LogBuilder(populationSize, budget, space);
        var moments = new List<(double Time, int Kind, int Order, Cand C)>();
        for (var i = 0; i < candidates.Length; i++)
        {
            moments.Add((candidates[i].Start, 1, i, candidates[i]));
            if (candidates[i].Finish is { } finish) moments.Add((finish, 0, i, candidates[i]));
        }
        foreach (var (time, kind, _, c) in moments.OrderBy(m => m.Time).ThenBy(m => m.Kind).ThenBy(m => m.Order))
        {
            if (kind == 1)
            {
                if (c.Parent is { } parent) log.ProposeChild(c.Id, parent, c.Position, c.To, time);
                else log.ProposeRandom(c.Id, c.Genotype!, time);
                log.Start(c.Id, c.Worker, time);
            }
            else log.Evaluate(c.Id, c.Objective, c.Start, time, c.Worker, c.Metrics);
        }
        return log;
    }
}

/// <summary>One candidate of a compact log description: random (a genotype) or a child (parent, position, new value).</summary>
internal sealed record Cand(long Id, long? Parent, string? Genotype, int Position, int To, string Worker, double Start, double? Finish, double Objective)
{
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }

    public static Cand Random(long id, string genotype, string worker, double start, double? finish, double objective) =>
        new(id, null, genotype, -1, -1, worker, start, finish, objective);

    public static Cand Child(long id, long parent, int position, int to, string worker, double start, double? finish, double objective) =>
        new(id, parent, null, position, to, worker, start, finish, objective);
}
