using ActorNas.Actors.Population;
using ActorNas.Actors.Protocol;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using Akka.Actor;
using Akka.TestKit;

namespace ActorNas.Actors.Tests;

/// <summary>Builds a Population actor driven by test probes that play the evaluator slots.</summary>
internal static class PopulationFixture
{
    public static SearchSettings Config(int population = 4, int sample = 2, int budget = 10, SchedulingMode mode = SchedulingMode.Continuous,
        int batch = 3, int maxAttempts = 3) => new()
        {
            Space = new SearchSpaceSpec(Nb201Space.SpaceName),
            PopulationSize = population,
            SampleSize = sample,
            Budget = budget,
            Mode = mode,
            BatchSize = batch,
            MaxAttempts = maxAttempts,
            Seed = 11,
        };

    /// <param name="guardian">Hears the Population's log health reports (<see cref="LogUnavailable"/>); nobody when null.</param>
    public static IActorRef Start(TestKitBase kit, string searchId, SearchSettings config, IActorRef listener, bool createIfMissing = true,
        int snapshotEvery = 1000, IActorRef? guardian = null)
    {
        var mutators = kit.Sys.ActorOf(Mutators.MutatorActor.Props(config), $"mutators-{searchId}-{Guid.NewGuid():N}");
        return kit.Sys.ActorOf(PopulationActor.Props(searchId, config, createIfMissing, mutators, listener, guardian ?? ActorRefs.Nobody, snapshotEvery),
            $"population-{searchId}-{Guid.NewGuid():N}");
    }

    /// <summary>Asks for work as <paramref name="worker"/> and returns the candidate handed out.</summary>
    public static WorkAssigned Request(TestProbe worker, IActorRef population, string name, string node = "test-node")
    {
        population.Tell(new RequestWork(name, node), worker.Ref);
        return worker.ExpectMsg<WorkAssigned>();
    }

    public static WorkDone Done(string worker, long id, double objective) =>
        new(worker, "test-node", id, new Core.Evaluation.EvaluationResult(objective), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
}
