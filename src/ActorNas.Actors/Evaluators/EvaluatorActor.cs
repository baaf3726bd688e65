using ActorNas.Actors.Protocol;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Spaces.Hierarchical;
using Akka.Actor;
using Akka.Event;

namespace ActorNas.Actors.Evaluators;

/// <summary>
/// One evaluator slot. It pulls: asks the Population for work when it holds nothing, evaluates with its
/// <see cref="IEvaluator"/> off the actor thread, and reports the result (or the failure, or the timeout), which is also
/// its next request. It holds up to <see cref="SlotLimits.Lookahead"/> candidates beyond the one it evaluates, in the order
/// they came: when an evaluation ends it reports and starts the next at once, and the Population refills the queue
/// while it evaluates, so the slot never waits for the log or for a mutation.
/// A timed-out evaluation is cancelled and the slot waits for it to stop before it takes new work; an evaluator that
/// ignores cancellation for <see cref="SlotLimits.AbandonAfter"/> is abandoned and the slot gets a new one, so a hung
/// evaluation never holds a slot, and never runs beside the next one on the same evaluator.
/// A slot also trains FaDE region supernets (<see cref="WeighRegion"/>) with its <see cref="RegionWeigher"/>: one at a
/// time, between evaluations and before its queued candidates, so its device never holds two models at once.
/// </summary>
public sealed class EvaluatorActor : ReceiveActor, IWithTimers
{
    private sealed record Finished(long Id, int Generation, EvaluationResult Result, DateTimeOffset StartedAt, DateTimeOffset FinishedAt);
    private sealed record Crashed(long Id, int Generation, string Reason, DateTimeOffset At, bool Permanent);
    private sealed record TimedOut(long Id, int Generation);
    private sealed record GiveUpWaiting(long Id, int Generation);
    private sealed record AskAgain;
    private sealed record RegionJob(WeighRegion Request, IActorRef ReplyTo);
    private sealed record RegionDone(long Token, RegionJob Job, IReadOnlyList<IReadOnlyList<double>>? Weights, string? Failure, TimeSpan Took);

    /// <summary>Tokens of region trainings, unique in the process, so a restarted slot drops its predecessor's late answers.</summary>
    private static long s_regionTokens;

    private const string RequestTimer = "request";
    private const string TimeoutTimer = "timeout";

    private readonly IActorRef _population;
    private readonly Func<IEvaluator> _createEvaluator;
    private readonly EvaluationContext _context;
    private readonly SlotLimits _limits;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<int, long> _abandoned = [];   // generation -> candidate, of evaluations left running
    private readonly Queue<WorkAssigned> _lookahead = new();   // assigned while busy, evaluated in order
    private readonly Queue<RegionJob> _regions = new();         // asked while busy, trained before the lookahead
    private readonly RegionWeigher? _weigher;
    private RegionJob? _training;
    private IEvaluator _evaluator;
    private CancellationTokenSource? _cancel;
    private int _generation;

    public ITimerScheduler Timers { get; set; } = null!;

    public static string NameOf(int slot) => $"evaluator-{slot}";

    /// <param name="createEvaluator">Makes this slot's evaluator: once at start, and again when one is abandoned.</param>
    /// <param name="weigher">Trains FaDE regions here; null where the search needs none (a request is then refused).</param>
    public static Props Props(IActorRef population, Func<IEvaluator> createEvaluator, EvaluationContext context, SlotLimits limits,
        RegionWeigher? weigher = null) =>
        Akka.Actor.Props.Create(() => new EvaluatorActor(population, createEvaluator, context, limits, weigher));

    public EvaluatorActor(IActorRef population, Func<IEvaluator> createEvaluator, EvaluationContext context, SlotLimits limits,
        RegionWeigher? weigher)
    {
        _population = population;
        _weigher = weigher;
        _createEvaluator = createEvaluator;
        _evaluator = createEvaluator();
        _context = context;
        _limits = limits;
        Idle();
    }

    protected override void PreStart() => AskForWork(new RequestWork(_context.Worker, _context.Node, _limits.Capacity));

    protected override void PostStop()
    {
        _cancel?.Cancel();
        // the Mutators waiting for these regions fall back to a plain mutation rather than wait for ever
        var reason = $"evaluator slot {_context.Worker} stopped before the region was trained";
        if (_training is { } training) training.ReplyTo.Tell(new RegionWeighingFailed(training.Request.CandidateId, reason));
        foreach (var job in _regions) job.ReplyTo.Tell(new RegionWeighingFailed(job.Request.CandidateId, reason));
    }

    private void Idle()
    {
        Receive<WorkAssigned>(w => Evaluate(w.Candidate, _limits.For(w.AutoTimeout)));
        Receive<WeighRegion>(r => TrainRegion(new RegionJob(r, Sender)));
        Receive<AskAgain>(_ => AskForWork(new RequestWork(_context.Worker, _context.Node, _limits.Capacity)));
        Receive<SearchIsOver>(_ => Context.Stop(Self));
        IgnoreStale();
    }

    private void Busy(long id, TimeSpan? limit)
    {
        Receive<Finished>(f => f.Generation == _generation, f =>
            Report(new WorkDone(_context.Worker, _context.Node, f.Id, f.Result, f.StartedAt, f.FinishedAt, _limits.Capacity)));
        Receive<Crashed>(c => c.Generation == _generation, c =>
            Report(new WorkFailed(_context.Worker, _context.Node, c.Id, c.Reason, c.At, c.Permanent, _limits.Capacity)));
        Receive<TimedOut>(t => t.Generation == _generation, t =>
        {
            _cancel?.Cancel();
            Timers.StartSingleTimer(TimeoutTimer, new GiveUpWaiting(t.Id, t.Generation), _limits.AbandonAfter);
            Become(() => Stopping(t.Id, limit!.Value));
        });
        Waiting(id);
    }

    /// <summary>Cancelled after its time limit: the evaluation gets <see cref="SlotLimits.AbandonAfter"/> to stop.</summary>
    private void Stopping(long id, TimeSpan limit)
    {
        var reason = $"timeout after {limit}";
        Receive<Finished>(f => f.Generation == _generation, f => Report(Timeout(f.Id, reason)));
        Receive<Crashed>(c => c.Generation == _generation, c => Report(Timeout(c.Id, reason)));
        Receive<GiveUpWaiting>(g => g.Generation == _generation, g =>
        {
            _log.Warning("evaluator {0}: candidate {1} ignored its cancellation for {2} after a timeout of {3}; the evaluation is " +
                "abandoned (its late result will be dropped) and the slot continues with a new evaluator", _context.Worker, g.Id,
                _limits.AbandonAfter, limit);
            _abandoned[g.Generation] = g.Id;
            _evaluator = _createEvaluator();
            Report(Timeout(g.Id, $"{reason}; the evaluator did not stop within {_limits.AbandonAfter} and was replaced"));
        });
        Waiting(id);
    }

    private WorkFailed Timeout(long id, string reason) =>
        new(_context.Worker, _context.Node, id, reason, DateTimeOffset.UtcNow, Capacity: _limits.Capacity);

    /// <summary>What a slot holding a candidate does with everything else.</summary>
    private void Waiting(long id)
    {
        Receive<SearchIsOver>(_ => Context.Stop(Self));
        Receive<WorkAssigned>(w => Hold(w, id));
        Receive<WeighRegion>(r => _regions.Enqueue(new RegionJob(r, Sender)));
        Receive<AskAgain>(_ => { });
        IgnoreStale();
        ReceiveAny(m => _log.Debug("evaluator {0} busy with {1} ignored {2}", _context.Worker, id, m.GetType().Name));
    }

    /// <summary>Queues a candidate assigned while the slot is busy.</summary>
    private void Hold(WorkAssigned w, long? evaluating)
    {
        // the same candidate again: the slot asked twice (its request went unanswered for request-retry) and the
        // Population, which releases what a slot that asks holds, handed it out once more; it is evaluated once
        if (w.Candidate.Id == evaluating || _lookahead.Any(q => q.Candidate.Id == w.Candidate.Id))
            _log.Debug("evaluator {0} already holds candidate {1}; the second assignment is dropped", _context.Worker, w.Candidate.Id);
        else _lookahead.Enqueue(w);
    }

    /// <summary>Trains a FaDE region off the actor thread; the slot takes no evaluation until it is done.</summary>
    private void TrainRegion(RegionJob job)
    {
        Timers.Cancel(RequestTimer);
        if (_weigher is null || _context.Space is not HierarchicalSpace space)
        {
            job.ReplyTo.Tell(new RegionWeighingFailed(job.Request.CandidateId, _weigher is null
                ? $"evaluator slot {_context.Worker} has no region trainer (the fade strategy needs ActorNas.Torch on every worker)"
                : $"evaluator slot {_context.Worker} searches {_context.Space.Name}, not the hierarchical space"));
            Continue();
            return;
        }
        var token = Interlocked.Increment(ref s_regionTokens);
        var weigher = _weigher;
        _training = job;
        var slot = _context.Slot;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Task.Run(() => weigher(new Region(space, job.Request.Candidates), job.Request.Seed, slot)).PipeTo(Self,
            success: w => new RegionDone(token, job, w, null, clock.Elapsed),
            failure: e => new RegionDone(token, job, null, Describe(e), clock.Elapsed));
        Become(() => Training(token));
    }

    private void Training(long token)
    {
        Receive<RegionDone>(d => d.Token == token, d =>
        {
            _training = null;
            var size = d.Job.Request.Candidates.Aggregate(1.0, (n, c) => n * c.Count);
            if (d.Weights is null)
                _log.Warning("evaluator {0}: training the FaDE region of candidate {1} failed after {2:F1} s: {3}", _context.Worker,
                    d.Job.Request.CandidateId, d.Took.TotalSeconds, d.Failure);
            else
                _log.Info("evaluator {0}: trained the FaDE region of candidate {1} ({2} architectures) in {3:F1} s", _context.Worker,
                    d.Job.Request.CandidateId, size, d.Took.TotalSeconds);
            d.Job.ReplyTo.Tell(d.Weights is { } weights
                ? new RegionWeighed(d.Job.Request.CandidateId, weights)
                : new RegionWeighingFailed(d.Job.Request.CandidateId, d.Failure ?? "unknown failure"));
            Continue();
        });
        Receive<WorkAssigned>(w => Hold(w, null));
        Receive<WeighRegion>(r => _regions.Enqueue(new RegionJob(r, Sender)));
        Receive<SearchIsOver>(_ => Context.Stop(Self));
        Receive<AskAgain>(_ => { });
        IgnoreStale();
    }

    /// <summary>Results of evaluations the slot no longer waits for: reported as failed already, or abandoned.</summary>
    private void IgnoreStale()
    {
        Receive<Finished>(f => DropLate(f.Generation, "a result"));
        Receive<Crashed>(c => DropLate(c.Generation, $"a failure ({c.Reason})"));
        Receive<TimedOut>(_ => { });
        Receive<GiveUpWaiting>(_ => { });
        Receive<RegionDone>(_ => { });
    }

    private void DropLate(int generation, string what)
    {
        if (_abandoned.Remove(generation, out var id))
            _log.Info("evaluator {0}: the abandoned evaluation of candidate {1} ended with {2}; dropped (its timeout is recorded)",
                _context.Worker, id, what);
    }

    private void Evaluate(Candidate candidate, TimeSpan? limit)
    {
        Timers.Cancel(RequestTimer);
        var generation = ++_generation;
        _cancel?.Dispose();
        _cancel = new CancellationTokenSource();
        var startedAt = DateTimeOffset.UtcNow;
        Task<EvaluationResult> task;
        try
        {
            task = _evaluator.EvaluateAsync(candidate, _context, _cancel.Token);
        }
        catch (Exception e)
        {
            task = Task.FromException<EvaluationResult>(e);
        }
        task.PipeTo(Self,
            success: r => new Finished(candidate.Id, generation, r, startedAt, DateTimeOffset.UtcNow),
            failure: e => new Crashed(candidate.Id, generation, Describe(e), DateTimeOffset.UtcNow, Unwrap(e) is PermanentEvaluationException));
        if (limit is { } l) Timers.StartSingleTimer(TimeoutTimer, new TimedOut(candidate.Id, generation), l);
        Become(() => Busy(candidate.Id, limit));
    }

    /// <summary>Reports the evaluation that ended (a report is also a request for work), then goes on at once.</summary>
    private void Report(IActorNasMessage report)
    {
        Timers.Cancel(TimeoutTimer);
        _generation++;
        _population.Tell(report);   // told first: an evaluator may do its work before it returns a task
        Continue();
    }

    /// <summary>The next thing to do: a region a Mutator waits for, else the next queued candidate, else wait for work
    /// (asking again after request-retry if none comes).</summary>
    private void Continue()
    {
        if (_regions.TryDequeue(out var job)) TrainRegion(job);
        else if (_lookahead.TryDequeue(out var next)) Evaluate(next.Candidate, _limits.For(next.AutoTimeout));
        else
        {
            Become(Idle);
            Timers.StartSingleTimer(RequestTimer, new AskAgain(), _limits.RequestRetry);
        }
    }

    private void AskForWork(IActorNasMessage request)
    {
        _population.Tell(request);
        Timers.StartSingleTimer(RequestTimer, new AskAgain(), _limits.RequestRetry);
    }

    private static string Describe(Exception e)
    {
        e = Unwrap(e);
        return e is OperationCanceledException ? "cancelled" : $"{e.GetType().Name}: {e.Message}";
    }

    private static Exception Unwrap(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } a) e = a.InnerExceptions[0];
        return e;
    }
}
