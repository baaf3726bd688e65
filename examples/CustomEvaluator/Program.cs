// A user's own search space and objective, run inside an ActorSystem the program already owns: ActorNas is attached
// to it (ActorNasExtension), the search is paused and resumed through the protocol, and its events are followed live.
using ActorNas.Core.Events;
using ActorNas.Core.Spaces;
using ActorNas.Hosting;
using Akka.Actor;
using Akka.Configuration;

var db = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), $"custom-evaluator-{Environment.ProcessId}.db");
SearchSpaces.Register(new TrapSpace());   // before any search over it starts or resumes

// The application's own ActorSystem; ActorNas reads its settings from the actornas section.
var config = ConfigurationFactory.ParseString($$"""
    akka.loglevel = WARNING
    actornas {
      space.name = "trap-4x5"
      search { population-size = 50, sample-size = 10, budget = 1500, seed = 7 }
      evaluator { name = trap, workers = 4 }
      persistence.sqlite.path = "{{db.Replace("\\", "\\\\", StringComparison.Ordinal)}}"
    }
    """);
using var system = ActorSystem.Create("my-application", config);
var nas = ActorNasExtension.Get(system);
var space = new TrapSpace();

await using var session = await nas.StartSearchAsync("trap", _ => new TrapEvaluator());
var follow = Task.Run(async () =>
{
    var best = double.NegativeInfinity;
    await foreach (var logged in nas.SubscribeAsync("trap"))
        switch (logged.Event)
        {
            case CandidateEvaluated { Objective: var objective } evaluated when objective > best:
                best = objective;
                Console.WriteLine($"event {logged.SequenceNr}: candidate {evaluated.Id} is the new best, {objective}");
                break;
            case SearchPaused paused:
                Console.WriteLine($"event {logged.SequenceNr}: paused ({paused.Reason})");
                break;
            case SearchResumed:
                Console.WriteLine($"event {logged.SequenceNr}: resumed");
                break;
        }
});

// Pause once a third of the budget is evaluated (say, to free the machine), then carry on.
while ((await session.GetStatusAsync(TimeSpan.FromSeconds(10))).Evaluated < 500 && !session.Completion.IsCompleted)
    await Task.Delay(50);
var paused = await session.PauseAsync("the machine is needed for a while", TimeSpan.FromSeconds(10));
await Task.Delay(500);
Console.WriteLine($"paused at {paused.Evaluated} evaluated; resuming");
await session.ResumeAsync(TimeSpan.FromSeconds(10));

var outcome = await session.Completion;
await follow;
if (!outcome.Completed)
{
    Console.Error.WriteLine($"error: the search did not complete: {outcome.Error}");
    return 1;
}
var top = outcome.Status!.Best!;
Console.WriteLine($"search trap: {outcome.Status.Evaluated} evaluated, best {space.Format(top.Genotype)} scores {top.Objective} " +
    $"(the optimum is 20); log in {db}");
return outcome.Status.Evaluated == 1500 ? 0 : 1;
