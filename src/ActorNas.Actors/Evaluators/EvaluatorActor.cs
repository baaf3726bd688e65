using ActorNas.Actors.Protocol;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Spaces.Hierarchical;
using ActorNas.Core.Spaces.SpiderNet;
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
/// A slot also works for the Mutators with its <see cref="SlotTrainers"/>: it trains FaDE region supernets
/// (<see cref="WeighRegion"/>) and grows SpiderNet networks (<see cref="GrowNetwork"/>), one at a time, between
/// evaluations and before its queued candidates, so its device never holds two models at once.
/// </summary>
public sealed class EvaluatorActor : ReceiveActor, IWithTimers
{
    private sealed record Finished(long Id, int Generation, EvaluationResult Result, DateTimeOffset StartedAt, DateTimeOffset FinishedAt);
    private sealed record Crashed(long Id, int Generation, string Reason, DateTimeOffset At, bool Permanent);
    private sealed record TimedOut(long Id, int Generation);
    private sealed record GiveUpWaiting(long Id, int Generation);
    private sealed record AskAgain;
    /// <summary>Work a Mutator waits for (<paramref name="Done"/> and <paramref name="Doing"/> name it in the slot's log):
    /// <paramref name="Refused"/> when this slot cannot do it, else <paramref name="Run"/> on the slot's device, off the
    /// actor thread, answers the Mutator; <paramref name="Failed"/> answers a failure.</summary>
    private sealed record MutatorJob(IActorRef ReplyTo, string Done, string Doing, string? Refused,
        Func<int, IActorNasMessage> Run, Func<string, IActorNasMessage> Failed);
    private sealed record JobDone(long Token, MutatorJob Job, IActorNasMessage? Answer, string? Failure, TimeSpan Took);

    /// <summary>Tokens of Mutators' jobs, unique in the process, so a restarted slot drops its predecessor's late answers.</summary>
    private static long s_jobTokens;

    private const string RequestTimer = "request";
    private const string TimeoutTimer = "timeout";

    private readonly IActorRef _population;
    private readonly Func<IEvaluator> _createEvaluator;
    private readonly EvaluationContext _context;
    private readonly SlotLimits _limits;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<int, long> _abandoned = [];   // generation -> candidate, of evaluations left running
    private readonly Queue<WorkAssigned> _lookahead = new();   // assigned while busy, evaluated in order
    private readonly Queue<MutatorJob> _jobs = new();           // asked while busy, done before the lookahead
    private readonly SlotTrainers _trainers;
    private MutatorJob? _working;
    private IEvaluator _evaluator;
    private CancellationTokenSource? _cancel;
    private int _generation;

    public ITimerScheduler Timers { get; set; } = null!;

    public static string NameOf(int slot) => $"evaluator-{slot}";

    /// <param name="createEvaluator">Makes this slot's evaluator: once at start, and again when one is abandoned.</param>
    /// <param name="trainers">Trains FaDE regions and grows SpiderNet networks here; null where the search needs neither
    /// (a request is then refused).</param>
    public static Props Props(IActorRef population, Func<IEvaluator> createEvaluator, EvaluationContext context, SlotLimits limits,
        SlotTrainers? trainers = null) =>
        Akka.Actor.Props.Create(() => new EvaluatorActor(population, createEvaluator, context, limits, trainers ?? SlotTrainers.None));

    public EvaluatorActor(IActorRef population, Func<IEvaluator> createEvaluator, EvaluationContext context, SlotLimits limits,
        SlotTrainers trainers)
    {
        _population = population;
        _trainers = trainers;
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
        // the Mutators waiting for these jobs fall back (a plain mutation, the network as it is) rather than wait for ever
        foreach (var job in _working is { } working ? _jobs.Prepend(working) : _jobs)
            job.ReplyTo.Tell(job.Failed($"evaluator slot {_context.Worker} stopped before it finished {job.Doing}"));
    }

    private void Idle()
    {
        Receive<WorkAssigned>(w => Evaluate(w.Candidate, _limits.For(w.AutoTimeout)));
        Receive<WeighRegion>(r => Work(RegionJob(r, Sender)));
        Receive<GrowNetwork>(g => Work(GrowthJob(g, Sender)));
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
        QueueJobs();
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

    private MutatorJob RegionJob(WeighRegion r, IActorRef replyTo)
    {
        var weigher = _trainers.Regions;
        var space = _context.Space as HierarchicalSpace;
        var refused = weigher is null ? $"evaluator slot {_context.Worker} has no region trainer (the fade strategy needs ActorNas.Torch on every worker)"
            : space is null ? $"evaluator slot {_context.Worker} searches {_context.Space.Name}, not the hierarchical space" : null;
        var size = r.Candidates.Aggregate(1.0, (n, c) => n * c.Count);
        return new MutatorJob(replyTo, $"trained the FaDE region of candidate {r.CandidateId} ({size} architectures)",
            $"training the FaDE region of candidate {r.CandidateId}", refused,
            slot => new RegionWeighed(r.CandidateId, weigher!(new Region(space!, r.Candidates), r.Seed, slot)),
            reason => new RegionWeighingFailed(r.CandidateId, reason));
    }

    private MutatorJob GrowthJob(GrowNetwork g, IActorRef replyTo)
    {
        var grower = _trainers.Growth;
        var refused = grower is null ? $"evaluator slot {_context.Worker} has no grower (a spidernet search needs ActorNas.Torch on every worker)"
            : _context.Space is not SpiderNetSpace ? $"evaluator slot {_context.Worker} searches {_context.Space.Name}, not the spidernet space" : null;
        return new MutatorJob(replyTo, $"grew the network of candidate {g.CandidateId}",
            $"growing the network of candidate {g.CandidateId}", refused,
            slot => new NetworkGrown(g.CandidateId, grower!(g.Parent, g.Seed, slot)),
            reason => new GrowingFailed(g.CandidateId, reason));
    }

    /// <summary>A Mutator's job asked while the slot is busy waits until the slot is free, ahead of its queued candidates.</summary>
    private void QueueJobs()
    {
        Receive<WeighRegion>(r => _jobs.Enqueue(RegionJob(r, Sender)));
        Receive<GrowNetwork>(g => _jobs.Enqueue(GrowthJob(g, Sender)));
    }

    /// <summary>Does a Mutator's job off the actor thread; the slot takes no evaluation until it is done.</summary>
    private void Work(MutatorJob job)
    {
        Timers.Cancel(RequestTimer);
        if (job.Refused is { } refused)
        {
            job.ReplyTo.Tell(job.Failed(refused));
            Continue();
            return;
        }
        var token = Interlocked.Increment(ref s_jobTokens);
        _working = job;
        var slot = _context.Slot;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Task.Run(() => job.Run(slot)).PipeTo(Self,
            success: answer => new JobDone(token, job, answer, null, clock.Elapsed),
            failure: e => new JobDone(token, job, null, Describe(e), clock.Elapsed));
        Become(() => Working(token));
    }

    private void Working(long token)
    {
        Receive<JobDone>(d => d.Token == token, d =>
        {
            _working = null;
            if (d.Answer is null)
                _log.Warning("evaluator {0}: {1} failed after {2:F1} s: {3}", _context.Worker, d.Job.Doing, d.Took.TotalSeconds, d.Failure);
            else
                _log.Info("evaluator {0}: {1} in {2:F1} s", _context.Worker, d.Job.Done, d.Took.TotalSeconds);
            d.Job.ReplyTo.Tell(d.Answer ?? d.Job.Failed(d.Failure ?? "unknown failure"));
            Continue();
        });
        Receive<WorkAssigned>(w => Hold(w, null));
        QueueJobs();
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
        Receive<JobDone>(_ => { });
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

    /// <summary>The next thing to do: a job a Mutator waits for, else the next queued candidate, else wait for work
    /// (asking again after request-retry if none comes).</summary>
    private void Continue()
    {
        if (_jobs.TryDequeue(out var job)) Work(job);
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
