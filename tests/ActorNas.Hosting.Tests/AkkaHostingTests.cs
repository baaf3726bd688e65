using ActorNas.Actors.Persistence;
using ActorNas.Actors.Protocol;
using ActorNas.Core.Events;
using ActorNas.Tests.Shared;
using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace ActorNas.Hosting.Tests;

/// <summary>ActorNas as one part of an Akka.Hosting composition (<c>AddAkka(...).WithActorNas(...)</c>).</summary>
public sealed class AkkaHostingTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private IHost Build(string db, int budget)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAkka("users-app", (akka, services) => akka
            .AddHocon("""
                akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
                akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
                """, HoconAddMode.Prepend)
            .WithActors((system, registry) => registry.Register<UserLedger>(system.ActorOf(Props.Create(() => new UserLedger()), "ledger")))
            .WithActorNas(services, o =>
            {
                o.SearchId = "composed";
                o.DatabasePath = db;
                o.PopulationSize = 8;
                o.SampleSize = 3;
                o.Budget = budget;
                o.Workers = 2;
                o.Seed = 5;
                o.Evaluator = (_, _) => new SumEvaluator();
            }));
        return builder.Build();
    }

    private static async Task<SearchStatus> WaitUntilCompletedAsync(IActorRef search)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var status = await search.Ask<SearchStatus>(GetSearchStatus.Instance, TimeSpan.FromSeconds(10));
            if (status.IsCompleted || DateTime.UtcNow > deadline) return status;
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_search_runs_in_the_hosts_system_its_handle_comes_from_the_registry_and_the_hosts_persistence_stays_its_own()
    {
        var db = _scratch.File("composed.db");
        using (var host = Build(db, budget: 30))
        {
            await host.StartAsync();
            var registry = host.Services.GetRequiredService<ActorRegistry>();
            var search = await registry.GetAsync<ActorNasSearchKey>();
            var status = await WaitUntilCompletedAsync(search);
            Assert.Equal("budget", status.CompletionReason);
            Assert.Equal(30, status.Evaluated);

            // the application's own actor persists to the application's journal, beside the search
            var ledger = await registry.GetAsync<UserLedger>();
            Assert.Equal(4, await ledger.Ask<int>(4, TimeSpan.FromSeconds(20)));
            var system = host.Services.GetRequiredService<ActorSystem>();
            Assert.Equal("akka.persistence.journal.inmem", system.Settings.Config.GetString("akka.persistence.journal.plugin"));
            Assert.True(system.Settings.Config.HasPath(PersistenceConfig.JournalPlugin + ".class"));
            await host.StopAsync();
        }

        var events = await LogReading.FromSqliteAsync(db, "composed");
        Assert.Equal(30, events.OfType<CandidateEvaluated>().Count());
        Assert.Single(events.OfType<SearchStarted>());

        // stopping the host released the log: a second host continues the same search (already complete) from it
        using var again = Build(db, budget: 30);
        await again.StartAsync();
        var resumed = await again.Services.GetRequiredService<ActorRegistry>().GetAsync<ActorNasSearchKey>();
        var end = await WaitUntilCompletedAsync(resumed);
        await again.StopAsync();
        Assert.Equal(30, end.Evaluated);
        Assert.Single((await LogReading.FromSqliteAsync(db, "composed")).OfType<SearchStarted>());
    }
}
