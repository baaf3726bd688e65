// ActorNas inside an Akka.Hosting composition: the host's ActorSystem runs a search beside the host's own actors,
// and the search's handle comes from the ActorRegistry.
using ActorNas.Actors.Protocol;
using ActorNas.Hosting;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var db = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), $"akka-hosting-{Environment.ProcessId}.db");
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddAkka("my-app", (akka, services) => akka
    // the application's own actors ...
    .WithActors((system, registry) => registry.Register<Tally>(system.ActorOf(Props.Create<Tally>(), "tally")))
    // ... and a search: REA on the NAS-Bench-201 table shipped with ActorNas, its log in a SQLite file
    .WithActorNas(services, o =>
    {
        o.SearchId = "hosted-by-akka";
        o.DatabasePath = db;
        o.EvaluatorName = "tabular";
        o.PopulationSize = 30;
        o.SampleSize = 10;
        o.Budget = 300;
        o.Workers = 4;
        o.Seed = 7;
    }));
using var host = builder.Build();
await host.StartAsync();

var registry = host.Services.GetRequiredService<ActorRegistry>();
var search = await registry.GetAsync<ActorNasSearchKey>();
var tally = await registry.GetAsync<Tally>();
SearchStatus status;
do
{
    await Task.Delay(250);
    status = await search.Ask<SearchStatus>(GetSearchStatus.Instance, TimeSpan.FromSeconds(10));
    tally.Tell(status.Evaluated);
    Console.WriteLine($"{status.Evaluated}/{status.Budget} evaluated, best so far {status.Best?.Objective:F2}");
}
while (!status.IsCompleted);

var looks = await tally.Ask<int>(Tally.HowMany.Instance, TimeSpan.FromSeconds(5));
Console.WriteLine($"search {status.SearchId}: {status.CompletionReason} after {looks} looks; best objective " +
    $"{status.Best?.Objective:F2}, log in {db}");
await host.StopAsync();
return status.CompletionReason == "budget" ? 0 : 1;

/// <summary>One of the application's own actors: counts the progress reports it is told.</summary>
internal sealed class Tally : ReceiveActor
{
    public sealed class HowMany
    {
        public static readonly HowMany Instance = new();
    }

    public Tally()
    {
        var told = 0;
        Receive<int>(_ => told++);
        Receive<HowMany>(_ => Sender.Tell(told));
    }
}
