using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using CsCheck;
using Xunit;

namespace ActorNas.Core.Tests.TestSupport;

/// <summary>How a simulated search is driven: its config and how its workers behave.</summary>
/// <param name="FailRate">Probability that finishing a candidate reports a failure.</param>
/// <param name="NanRate">Probability that finishing a candidate reports a NaN objective.</param>
/// <param name="ReleaseRate">Probability that a step releases a worker (it dies, its candidates go back to the queue).</param>
/// <param name="HoldReservationRate">Probability that a tournament's mutation is completed later rather than at once.</param>
/// <param name="CancelRate">Probability that a held reservation is cancelled instead of completed.</param>
/// <param name="DuplicateRate">Probability that a result is reported a second time.</param>
/// <param name="MaxHeld">How many candidates one worker may hold at once (the one it evaluates and its lookahead): the
/// capacity it asks for with <see cref="AssignWork"/>.</param>
/// <param name="DriverSeed">Seeds the driver's own choices (which worker acts, what it does).</param>
internal sealed record Scenario(
    SearchSettings Config,
    int Workers,
    double FailRate,
    double NanRate,
    double ReleaseRate,
    double HoldReservationRate,
    double CancelRate,
    double DuplicateRate,
    int MaxHeld,
    ulong DriverSeed)
{
    public bool FailuresPossible => FailRate > 0 || NanRate > 0;

    /// <summary>The plain loop: one worker, one candidate at a time, no failures, mutations completed at once.</summary>
    public bool IsSequential => Workers == 1 && MaxHeld == 1 && !FailuresPossible && ReleaseRate == 0 && HoldReservationRate == 0;
}

internal static class Scenarios
{
    private static readonly DateTimeOffset Epoch = new(2024, 3, 1, 12, 0, 0, TimeSpan.FromHours(2));

    public static DateTimeOffset At(int seconds) => Epoch.AddSeconds(seconds);

    private static readonly Gen<SearchSpaceSpec> SpaceSpec = Gen.Frequency<SearchSpaceSpec>(
        (2, Gen.Const(new SearchSpaceSpec(Nb201Space.SpaceName))),
        (1, Gen.Const(new SearchSpaceSpec(SequentialSpace.SpaceName))),
        (2, Generators.SequentialOptions.Select(o => new SearchSpaceSpec(SequentialSpace.SpaceName, o))));

    /// <summary>Random configs: P 1..20, S 1..P, budget 1..200, both modes, B 1..10, 1..3 attempts, a large or a small failure limit.</summary>
    public static Gen<SearchSettings> Config(bool smallFailureLimits) =>
        Gen.Select(
            Gen.Int[1, 20].SelectMany(p => Gen.Int[1, p].Select(s => (p, s))),
            Gen.Int[1, 200],
            Gen.Enum<SchedulingMode>(),
            Gen.Int[1, 10],
            Gen.Int[1, 3],
            smallFailureLimits ? Gen.Frequency<int>((2, Gen.Const(1000)), (1, Gen.Int[1, 5])) : Gen.Const(1000),
            Gen.Select(Gen.Long, Gen.Int[0, 3]),
            SpaceSpec,
            (ps, budget, mode, batch, attempts, maxFailures, seedBias, space) => new SearchSettings
            {
                Space = space,
                PopulationSize = ps.p,
                SampleSize = ps.s,
                Budget = budget,
                Mode = mode,
                BatchSize = batch,
                MaxAttempts = attempts,
                MaxFailures = maxFailures,
                Seed = seedBias.Item1,
                Mutation = new PositionWeighting(seedBias.Item2),
            });

    private static readonly Gen<double> SomeRate = Gen.Frequency<double>((1, Gen.Const(0.0)), (2, Gen.Double[0.0, 0.3]));

    /// <summary>Several workers holding several candidates, failures, NaNs, releases, held and cancelled reservations.</summary>
    public static Gen<Scenario> Any(bool smallFailureLimits = true, bool cancellations = true) =>
        Gen.Select(
            Config(smallFailureLimits),
            Gen.Int[1, 4],
            Gen.Select(SomeRate, Gen.Frequency<double>((1, Gen.Const(0.0)), (1, Gen.Double[0.0, 0.1]))),
            Gen.Frequency<double>((1, Gen.Const(0.0)), (1, Gen.Double[0.0, 0.05])),
            Gen.Select(Gen.Double[0.0, 0.7], cancellations ? Gen.Double[0.0, 0.3] : Gen.Const(0.0)),
            Gen.Double[0.0, 0.3],
            Gen.Int[1, 3],
            Gen.ULong,
            (config, workers, failNan, release, holdCancel, duplicate, maxHeld, driverSeed) => new Scenario(
                config, workers, failNan.Item1, failNan.Item2, release, holdCancel.Item1, holdCancel.Item2, duplicate, maxHeld, driverSeed));

    /// <summary>Like <see cref="Any"/> but every attempt succeeds (no failures, no NaN).</summary>
    public static Gen<Scenario> WithoutFailures() => Any(smallFailureLimits: false).Select(s => s with { FailRate = 0, NanRate = 0 });

    /// <summary>The plain sequential loop: one worker, one candidate at a time, nothing fails.</summary>
    public static Gen<Scenario> Sequential() =>
        Any(smallFailureLimits: false).Select(s => s with
        {
            Workers = 1, MaxHeld = 1, FailRate = 0, NanRate = 0, ReleaseRate = 0, HoldReservationRate = 0, CancelRate = 0,
        });
}

/// <summary>What the driver saw when it called a decision of the state, with the state's figures just before the call.</summary>
internal sealed record Context(
    IReadOnlyList<Member> Population,
    int RandomPending,
    int Evaluated,
    int Pending,
    int Reservations,
    int Queued,
    int Holders,
    int WorkerHolding,
    PendingCandidate? FirstQueued,
    int BatchIndex,
    int BatchProposed)
{
    public static Context Of(SearchState s, string worker) => new(
        [.. s.Population], s.RandomPending, s.Evaluated, s.Pending.Count, s.Reservations.Count,
        s.Pending.Values.Count(p => !p.IsRunning), s.Holders, s.Holding(worker),
        s.Pending.Values.Where(p => !p.IsRunning).MinBy(p => p.Id), s.BatchIndex, s.BatchProposed);
}

internal sealed record AssignCall(int Sequence, string Worker, Context Before, Decision Result);
internal sealed record ProposalCall(int Sequence, Reservation Reservation, Genotype Child, Mutation Mutation, AssignCandidate? Result);
internal sealed record FailCall(int Sequence, long Id, string Worker, int FailedAttemptsBefore, IReadOnlyList<ISearchEvent> Events);
internal sealed record CompleteCall(int Sequence, long Id, double Objective, int PopulationBefore, IReadOnlyList<ISearchEvent> Events);
internal sealed record ReleaseCall(int Sequence, string Worker, IReadOnlyList<long> RunningBefore, IReadOnlyList<ISearchEvent> Events);

/// <summary>One applied event, the population just before it, and the state's snapshot just after it.</summary>
internal sealed record Step(ISearchEvent Event, IReadOnlyList<Member> PopulationBefore, SearchSnapshot After);

/// <summary>
/// Drives a <see cref="SearchState"/> the way the Population actor does, as a plain loop of commands for
/// <see cref="SearchState.Decide"/>: Start, then workers ask for work, hold, propose (the state draws the child) or
/// cancel tournament reservations, report results from a
/// <see cref="SyntheticLandscape"/>, fail, report twice, and die. Every event is applied at once and recorded.
/// </summary>
internal sealed class SearchRun
{
    private readonly Scenario _scenario;
    private readonly DeterministicRandom _rng;
    private readonly Dictionary<string, List<long>> _held = [];
    private readonly List<Reservation> _reservations = [];
    private readonly int? _resumeAt;
    private readonly Func<SearchRun, SearchState>? _resume;
    private SyntheticLandscape? _landscape;
    private int _clock;
    private int _sequence;

    public SearchState State { get; private set; } = new();
    public List<ISearchEvent> Log { get; } = [];
    public List<Step> Trace { get; } = [];
    public List<AssignCall> Assigns { get; } = [];
    public List<ProposalCall> Proposals { get; } = [];
    public List<FailCall> Fails { get; } = [];
    public List<FailCall> StaleFails { get; } = [];
    public List<FailCall> NanResults { get; } = [];
    public List<CompleteCall> Results { get; } = [];
    public List<CompleteCall> DuplicateResults { get; } = [];
    public List<ReleaseCall> Releases { get; } = [];
    public List<long> Cancelled { get; } = [];
    /// <summary>The step at which the state was swapped for a resumed one, if it was.</summary>
    public int? ResumedAtStep { get; private set; }
    public int Steps { get; private set; }

    private SearchRun(Scenario scenario, int? resumeAt, Func<SearchRun, SearchState>? resume)
    {
        _scenario = scenario;
        _rng = new DeterministicRandom(scenario.DriverSeed);
        _resumeAt = resumeAt;
        _resume = resume;
        for (var w = 0; w < scenario.Workers; w++) _held[WorkerName(w)] = [];
    }

    public Scenario Scenario => _scenario;
    public SearchSettings Config => _scenario.Config;

    /// <summary>Runs the scenario until the search completes. With <paramref name="resume"/>, the state is replaced by
    /// <c>resume(run)</c> (built from the run's state or log so far) at the first step at or after <paramref name="resumeAt"/>
    /// where no reservation is held, as if the process had stopped and recovered there.</summary>
    public static SearchRun Execute(Scenario scenario, int? resumeAt = null, Func<SearchRun, SearchState>? resume = null)
    {
        var run = new SearchRun(scenario, resumeAt, resume);
        run.Run();
        return run;
    }

    private static string WorkerName(int w) => $"w{w}";
    private static string NodeOf(string worker) => worker == "w0" || worker == "w2" ? "node-a" : "node-b";
    private DateTimeOffset Tick() => Scenarios.At(++_clock);

    private void Run()
    {
        Apply(State.Decide(new StartSearch(Config, Tick())).Events);
        _landscape = new SyntheticLandscape(State.Space, Config.Seed);
        var idle = 0;
        while (!State.IsCompleted)
        {
            Steps++;
            if (_resume is not null && ResumedAtStep is null && Steps >= _resumeAt && _reservations.Count == 0)
            {
                State = _resume(this);
                ResumedAtStep = Steps;
            }
            var before = Log.Count;
            Act();
            idle = Log.Count == before ? idle + 1 : 0;
            if (idle > 20_000 || Steps > 2_000_000)
                Assert.Fail($"the search makes no progress: {Describe()}");
            CheckHeldMatchesRunning();
        }
    }

    private string Describe() =>
        $"evaluated {State.Evaluated}, pending {State.Pending.Count} ({State.Running} running), reservations {_reservations.Count}, " +
        $"population {State.Population.Count}, batch {State.BatchIndex}/{State.BatchProposed}, last assign {Assigns.LastOrDefault()?.Result}";

    private void Act()
    {
        var worker = WorkerName(_rng.NextInt(_scenario.Workers));
        var held = _held[worker];
        if (_reservations.Count > 0 && _rng.NextDouble() < 0.25)
        {
            FinishReservation(_reservations[_rng.NextInt(_reservations.Count)]);
            return;
        }
        if (_rng.NextDouble() < _scenario.ReleaseRate)
        {
            Release(worker);
            return;
        }
        if (held.Count > 0 && (held.Count >= _scenario.MaxHeld || _rng.NextDouble() < 0.5))
        {
            Finish(worker, held[_rng.NextInt(held.Count)]);
            return;
        }
        Assign(worker);
    }

    private void Assign(string worker)
    {
        var before = Context.Of(State, worker);
        var result = State.Decide(new AssignWork(worker, NodeOf(worker), Tick(), Capacity: _scenario.MaxHeld));
        Assigns.Add(new AssignCall(++_sequence, worker, before, result));
        switch (result)
        {
            case AssignCandidate a:
                Apply(a.Events);
                _held[worker].Add(a.Candidate.Id);
                break;
            case MutationNeeded m:
                if (_rng.NextDouble() < _scenario.HoldReservationRate) _reservations.Add(m.Reservation);
                else FinishReservation(m.Reservation);
                break;
            case NoWorkNow or SlotFull:
                break;
            default:
                Assert.Fail($"unexpected assignment while the search runs: {result}");
                break;
        }
    }

    private void FinishReservation(Reservation reservation)
    {
        _reservations.Remove(reservation);
        if (_rng.NextDouble() < _scenario.CancelRate)
        {
            State.Decide(new CancelReservation(reservation.Id));
            Cancelled.Add(reservation.Id);
            return;
        }
        var result = Assert.IsType<AssignCandidate>(State.Decide(new ProposeChild(reservation.Id, Tick())));
        var proposed = Assert.Single(result.Events.OfType<CandidateProposed>());
        Proposals.Add(new ProposalCall(++_sequence, reservation, proposed.Genotype, proposed.Mutation!, result));
        Apply(result.Events);
        _held[reservation.Worker].Add(reservation.Id);
    }

    private void Finish(string worker, long id)
    {
        _held[worker].Remove(id);
        var pending = State.Pending[id];
        var r = _rng.NextDouble();
        if (r < _scenario.FailRate)
        {
            StaleFails.Add(new FailCall(++_sequence, id, "ghost", pending.FailedAttempts,
                State.Decide(new RecordFailure(id, "stale report", "ghost", Tick())).Events));
            var events = State.Decide(new RecordFailure(id, "boom", worker, Tick())).Events;
            Fails.Add(new FailCall(++_sequence, id, worker, pending.FailedAttempts, events));
            Apply(events);
        }
        else if (r < _scenario.FailRate + _scenario.NanRate)
        {
            var events = State.Decide(new RecordResult(id, new EvaluationResult(double.NaN), Tick(), Tick(), worker, NodeOf(worker))).Events;
            NanResults.Add(new FailCall(++_sequence, id, worker, pending.FailedAttempts, events));
            Apply(events);
        }
        else
        {
            var objective = _landscape!.Score(pending.Genotype);
            var metrics = new Dictionary<string, double> { ["durationMs"] = 1000 * _rng.NextDouble(), ["loss"] = 1 - objective };
            bool? cacheHit = _rng.NextInt(3) switch { 0 => null, 1 => true, _ => false };
            var result = new EvaluationResult(objective, metrics, _rng.NextInt(4), cacheHit);
            var populationBefore = State.Population.Count;
            var events = State.Decide(new RecordResult(id, result, Tick(), Tick(), worker, NodeOf(worker))).Events;
            Results.Add(new CompleteCall(++_sequence, id, objective, populationBefore, events));
            Apply(events);
            if (_rng.NextDouble() < _scenario.DuplicateRate)
                DuplicateResults.Add(new CompleteCall(++_sequence, id, 0.5, State.Population.Count,
                    State.Decide(new RecordResult(id, new EvaluationResult(0.5), Tick(), Tick(), "w-late", "node-c")).Events));
        }
    }

    private void Release(string worker)
    {
        var running = State.Pending.Values.Where(p => p.Worker == worker).Select(p => p.Id).Order().ToList();
        var events = State.Decide(new ReleaseWorker(worker, "worker stopped", Tick())).Events;
        Releases.Add(new ReleaseCall(++_sequence, worker, running, events));
        Apply(events);
        _held[worker].Clear();
    }

    private void Apply(IReadOnlyList<ISearchEvent> events)
    {
        foreach (var e in events)
        {
            var populationBefore = State.Population.ToList();
            State.Apply(e);
            Log.Add(e);
            Trace.Add(new Step(e, populationBefore, State.ToSnapshot()));
        }
    }

    /// <summary>The driver's bookkeeping and the state agree on who runs what (else the driver itself is wrong).</summary>
    private void CheckHeldMatchesRunning()
    {
        if (State.IsCompleted) return;
        foreach (var (worker, held) in _held)
        {
            var running = State.Pending.Values.Where(p => p.Worker == worker).Select(p => p.Id).Order();
            Assert.Equal(running, held.Order());
        }
    }

    /// <summary>Calls made after the search completed, to check that they change nothing.</summary>
    public (Decision Assign, IReadOnlyList<ISearchEvent> Complete, IReadOnlyList<ISearchEvent> Fail, AssignCandidate? Proposal, long? PendingId)
        ProbeAfterCompletion()
    {
        Assert.True(State.IsCompleted);
        var pending = State.Pending.Values.FirstOrDefault(p => p.IsRunning) ?? State.Pending.Values.FirstOrDefault();
        var id = pending?.Id ?? Log.OfType<CandidateProposed>().Last().Id;
        var worker = pending?.Worker ?? "w0";
        var proposal = _reservations.Count > 0
            ? State.Decide(new ProposeChild(_reservations[0].Id, Tick(), new ChildProposal(_reservations[0].Parent, new Mutation(0, 0, 0), null)))
                as AssignCandidate
            : null;
        return (State.Decide(new AssignWork("w0", "node-a", Tick())),
            State.Decide(new RecordResult(id, new EvaluationResult(0.9), Tick(), Tick(), worker, "node-a")).Events,
            State.Decide(new RecordFailure(id, "late", worker, Tick())).Events,
            proposal,
            pending?.Id);
    }
}
