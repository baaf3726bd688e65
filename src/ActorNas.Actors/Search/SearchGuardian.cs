using ActorNas.Actors.Caching;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators;
using ActorNas.Actors.Mutators;
using ActorNas.Actors.Population;
using ActorNas.Actors.Protocol;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Evolution;
using Akka.Actor;
using Akka.Event;
using Akka.Pattern;
using Akka.Routing;

namespace ActorNas.Actors.Search;

/// <summary>
/// The supervision tree of one search in one process: the Population (restarted with back-off when its journal
/// fails, recovering from the log), a pool of Mutators, and the evaluator slots. A failing evaluator is restarted
/// and never stops the search. When the log fails, the guardian decides: a fault that may pass is waited for up to
/// actornas.persistence.outage-grace (the Population keeps being restarted, and continues once it recovers); a fault
/// that will not pass, or an outage past its grace, ends the search with <see cref="SearchCannotRun"/>; so does a
/// Population that cannot run at all (it says so: no such search, an unreadable log).
/// </summary>
public sealed class SearchGuardian : ReceiveActor, IWithTimers
{
    private sealed record OutageGraceOver;

    /// <summary>The longest wait between two attempts of a Population to recover while its log is unavailable: once
    /// the database is back, the search continues within this long.</summary>
    private static readonly TimeSpan MaxRestartDelay = TimeSpan.FromSeconds(5);

    private readonly string _searchId;
    private readonly IActorRef _listener;
    private readonly TimeSpan _outageGrace;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private DateTimeOffset? _outageSince;
    private LogUnavailable? _lastFault;

    public ITimerScheduler Timers { get; set; } = null!;

    public static string NameOf(string searchId) => "search-" + searchId;

    public static Props Props(SearchSessionOptions options, IActorRef listener) =>
        Akka.Actor.Props.Create(() => new SearchGuardian(options, listener));

    public SearchGuardian(SearchSessionOptions options, IActorRef listener)
    {
        var settings = options.Settings;
        var config = options.Search;
        _searchId = options.SearchId;
        _listener = listener;
        _outageGrace = settings.Persistence.OutageGrace;
        var mutators = Context.ActorOf(
            MutatorActor.Props(config, options.MutantScorer, options.RegionWeigher)
                .WithRouter(new RoundRobinPool(settings.MutatorPoolSize)
                    .WithSupervisorStrategy(new OneForOneStrategy(_ => Directive.Restart))),
            MutatorActor.PoolName);

        var population = Context.ActorOf(
            BackoffSupervisor.Props(Backoff.OnStop(
                PopulationActor.Props(options.SearchId, config, options.CreateIfMissing, mutators, listener, Self, settings.Persistence.SnapshotEvery),
                PopulationActor.Name, TimeSpan.FromMilliseconds(500), MaxRestartDelay, 0.2, maxNrOfRetries: -1)),
            PopulationActor.Name + "-supervisor");

        // one WeightCache per node, shared by every search the process runs; evaluators reach it through the context
        var cache = options.WeightCache is { } weightCache ? new ActorLayerCache(weightCache, settings.WeightCache.Timeout) : null;
        EvaluatorSlots.Start(Context, options.LocalSlots ?? settings.Evaluator.Workers, population, options.CreateEvaluator,
            EvaluatorSlots.Contexts(options.SearchId, config.Space.Create(), config.Seed, options.Node, cache), SlotLimits.Of(settings.Evaluator),
            new SlotTrainers(options.RegionWeigher, options.Grower));

        Receive<LogUnavailable>(OnLogUnavailable);
        Receive<LogAvailable>(_ => OnLogAvailable());
        Receive<OutageGraceOver>(_ =>
        {
            if (_outageSince is not null && _lastFault is { } fault) GiveUp(fault, $"it has been unavailable for {_outageGrace}");
        });
        // the Population cannot run (no such search, an unreadable log): restarting it would fail the same way
        Receive<SearchCannotRun>(_ => Context.Stop(Self));
        ReceiveAny(m => population.Forward(m));
    }

    private void OnLogUnavailable(LogUnavailable failure)
    {
        // a Population restarted into the outage failed its recovery and knows nothing of the log: what the log holds
        // is the most any incarnation confirmed (the log only grows)
        if (_lastFault is { } known && known.LastRecordedCandidate > failure.LastRecordedCandidate)
            failure = failure with { LastRecordedCandidate = known.LastRecordedCandidate, Evaluated = known.Evaluated };
        _lastFault = failure;
        var fault = failure.Fault;
        if (!fault.Transient)
        {
            GiveUp(failure, "this does not pass by itself");
            return;
        }
        var now = DateTimeOffset.UtcNow;
        if (_outageSince is not { } since)
        {
            _outageSince = now;
            Timers.StartSingleTimer(nameof(OutageGraceOver), new OutageGraceOver(), _outageGrace);
            _log.Warning("search {0}: the log is unavailable ({1}: {2}); the search pauses and retries until {3:HH:mm:ss} UTC " +
                "(actornas.persistence.outage-grace = {4})", _searchId, fault.Summary, fault.Detail, now + _outageGrace, _outageGrace);
        }
        else if (now - since >= _outageGrace)
        {
            GiveUp(failure, $"it has been unavailable for {_outageGrace}");
        }
    }

    private void OnLogAvailable()
    {
        if (_outageSince is not { } since) return;
        _log.Warning("search {0}: the log is available again after {1:F0} s; the search continues", _searchId, (DateTimeOffset.UtcNow - since).TotalSeconds);
        _outageSince = null;
        Timers.Cancel(nameof(OutageGraceOver));
    }

    /// <summary>Ends the search: nothing more can be recorded. Everything recorded stays; a resume continues from it.</summary>
    private void GiveUp(LogUnavailable failure, string why)
    {
        var fault = failure.Fault;
        _log.Error("search {0} stops: {1} ({2}; {3}); the log holds {4} evaluations, up to candidate {5}", _searchId, fault.Summary,
            fault.Detail, why, failure.Evaluated, failure.LastRecordedCandidate);
        _listener.Tell(new SearchCannotRun(_searchId, $"{fault.Summary}: {fault.Detail} ({why})", LogFault: failure));
        Context.Stop(Self);
    }

    protected override SupervisorStrategy SupervisorStrategy() => EvaluatorSlots.RestartAlways();
}

/// <summary>What a process needs to run (or resume) one search.</summary>
/// <param name="CreateIfMissing">true for a new search (`run`); false to resume a search that must exist.</param>
/// <param name="CreateEvaluator">Makes the evaluator of a slot (one instance per slot).</param>
/// <param name="LocalSlots">Evaluator slots in this process; null = actornas.evaluator.workers (a cluster's Population has none).</param>
public sealed record SearchSessionOptions(
    string SearchId,
    SearchSettings Search,
    bool CreateIfMissing,
    ActorNasSettings Settings,
    Func<int, IEvaluator> CreateEvaluator,
    string Node,
    Func<Core.Genotype, double>? MutantScorer = null,
    int? LocalSlots = null)
{
    /// <summary>The node's WeightCache; <see cref="SearchSession.Start"/> starts it (or finds the running one) when unset.</summary>
    public IActorRef? WeightCache { get; init; }

    /// <summary>Trains the region supernets of the fade proxy (null when the search does not use it).</summary>
    public Core.Spaces.Hierarchical.RegionWeigher? RegionWeigher { get; init; }

    /// <summary>Grows the network of a spidernet search on this node's slots (null for every other space).</summary>
    public Core.Growth.Grower? Grower { get; init; }
}
