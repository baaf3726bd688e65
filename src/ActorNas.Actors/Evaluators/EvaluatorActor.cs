using ActorNas.Actors.Protocol;
using ActorNas.Core.Evaluation;
using Akka.Actor;
using Akka.Event;

namespace ActorNas.Actors.Evaluators;

/// <summary>
/// One evaluator slot. It pulls: asks the Population for work when free, evaluates with its <see cref="IEvaluator"/>
/// off the actor thread, and reports the result (or the failure, or the timeout), which is also its next request.
/// </summary>
public sealed class EvaluatorActor : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    private sealed record Finished(long Id, int Generation, EvaluationResult Result, DateTimeOffset StartedAt, DateTimeOffset FinishedAt);
    private sealed record Crashed(long Id, int Generation, string Reason, DateTimeOffset At, bool Permanent);
    private sealed record TimedOut(long Id, int Generation);
    private sealed record AskAgain;

    private const string RequestTimer = "request";
    private const string TimeoutTimer = "timeout";

    private readonly IActorRef _population;
    private readonly IEvaluator _evaluator;
    private readonly EvaluationContext _context;
    private readonly TimeSpan? _timeout;
    private readonly TimeSpan _requestRetry;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private CancellationTokenSource? _cancel;
    private int _generation;

    public ITimerScheduler Timers { get; set; } = null!;
    public IStash Stash { get; set; } = null!;

    public static string NameOf(int slot) => $"evaluator-{slot}";

    public static Props Props(IActorRef population, IEvaluator evaluator, EvaluationContext context, TimeSpan? timeout, TimeSpan requestRetry) =>
        Akka.Actor.Props.Create(() => new EvaluatorActor(population, evaluator, context, timeout, requestRetry));

    public EvaluatorActor(IActorRef population, IEvaluator evaluator, EvaluationContext context, TimeSpan? timeout, TimeSpan requestRetry)
    {
        _population = population;
        _evaluator = evaluator;
        _context = context;
        _timeout = timeout;
        _requestRetry = requestRetry;
        Idle();
    }

    protected override void PreStart() => AskForWork(new RequestWork(_context.Worker, _context.Node));

    protected override void PostStop() => _cancel?.Cancel();

    private void Idle()
    {
        Receive<WorkAssigned>(w => Evaluate(w.Candidate));
        Receive<AskAgain>(_ => AskForWork(new RequestWork(_context.Worker, _context.Node)));
        Receive<SearchIsOver>(_ => Context.Stop(Self));
        Receive<Finished>(_ => { });   // a result that arrived after its timeout was reported
        Receive<Crashed>(_ => { });
        Receive<TimedOut>(_ => { });
    }

    private void Busy(long id)
    {
        Receive<Finished>(f => f.Generation == _generation, f =>
            Report(new WorkDone(_context.Worker, _context.Node, f.Id, f.Result, f.StartedAt, f.FinishedAt)));
        Receive<Crashed>(c => c.Generation == _generation, c =>
            Report(new WorkFailed(_context.Worker, _context.Node, c.Id, c.Reason, c.At, c.Permanent)));
        Receive<TimedOut>(t => t.Generation == _generation, t =>
        {
            _cancel?.Cancel();
            Report(new WorkFailed(_context.Worker, _context.Node, t.Id, $"timeout after {_timeout}", DateTimeOffset.UtcNow));
        });
        Receive<SearchIsOver>(_ => Context.Stop(Self));
        Receive<WorkAssigned>(_ => Stash.Stash());
        Receive<AskAgain>(_ => { });
        ReceiveAny(m => _log.Debug("evaluator {0} busy with {1} ignored {2}", _context.Worker, id, m.GetType().Name));
    }

    private void Evaluate(Candidate candidate)
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
        if (_timeout is { } limit) Timers.StartSingleTimer(TimeoutTimer, new TimedOut(candidate.Id, generation), limit);
        Become(() => Busy(candidate.Id));
    }

    private void Report(IActorNasMessage report)
    {
        Timers.Cancel(TimeoutTimer);
        _generation++;
        Become(Idle);
        AskForWork(report);
        Stash.UnstashAll();
    }

    private void AskForWork(IActorNasMessage request)
    {
        _population.Tell(request);
        Timers.StartSingleTimer(RequestTimer, new AskAgain(), _requestRetry);
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
