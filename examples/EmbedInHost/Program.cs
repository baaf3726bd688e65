// ActorNas inside a generic host: a search with the user's own objective, its events followed live.
using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using ActorNas.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var db = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), $"embed-in-host-{Environment.ProcessId}.db");
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddActorNas(options =>
{
    options.SearchId = "embedded";
    options.DatabasePath = db;
    options.Space = "nb201";
    options.PopulationSize = 20;
    options.SampleSize = 5;
    options.Budget = 200;
    options.Workers = 4;
    options.Evaluator = (_, _) => new ConvolutionCounter();
});
using var host = builder.Build();
await host.StartAsync();

var search = host.Services.GetRequiredService<ActorNasSearch>();
var best = double.NegativeInfinity;
await foreach (var logged in search.SubscribeAsync())
{
    if (logged.Event is CandidateEvaluated { Objective: var objective } evaluated && objective > best)
    {
        best = objective;
        Console.WriteLine($"event {logged.SequenceNr}: candidate {evaluated.Id} is the new best, {objective:F3}");
    }
}
var outcome = await search.WaitForCompletionAsync();
Console.WriteLine($"search {search.SearchId}: {(outcome.Completed ? "completed" : outcome.Error)}, {outcome.Status?.Evaluated} evaluated, log in {db}");
await host.StopAsync();
return outcome.Completed ? 0 : 1;

/// <summary>The user's objective: more 3x3 convolutions and fewer pools score higher, with some noise.</summary>
internal sealed class ConvolutionCounter : IEvaluator
{
    public async Task<EvaluationResult> EvaluateAsync(Candidate candidate, EvaluationContext context, CancellationToken cancellationToken)
    {
        await Task.Delay(5, cancellationToken);   // stands in for real work
        var score = candidate.Genotype.Count(op => op == 3) - 0.5 * candidate.Genotype.Count(op => op == 4)
                    + 0.1 * new Random((int)candidate.Id).NextDouble();
        return new EvaluationResult(score);
    }
}
