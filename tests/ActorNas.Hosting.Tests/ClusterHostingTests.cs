using ActorNas.Actors.Configuration;
using ActorNas.Actors.Protocol;
using ActorNas.Core.Events;
using ActorNas.Tests.Shared;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace ActorNas.Hosting.Tests;

/// <summary>
/// A cluster search as two Akka.Hosting compositions in one process: a population node (<c>WithActorNasPopulation</c>,
/// its singleton through Akka.Cluster.Hosting) and a worker node (<c>WithActorNasWorker</c>), on loopback, with the
/// log in the PostgreSQL server of ACTORNAS_TEST_POSTGRES.
/// </summary>
public sealed class ClusterHostingTests
{
    private static readonly string? Postgres = Environment.GetEnvironmentVariable("ACTORNAS_TEST_POSTGRES");

    private static IHost Population(string searchId, int port, int budget, string? postgres = null, string systemName = "actornas")
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAkka(systemName, (akka, services) => akka.WithActorNasPopulation(services, o =>
        {
            o.SearchId = searchId;
            o.PostgresConnectionString = postgres;
            o.PopulationSize = 8;
            o.SampleSize = 3;
            o.Budget = budget;
            o.Seed = 3;
            o.Evaluator = (_, _) => new SumEvaluator();
        }, node => node.Port = port));
        return builder.Build();
    }

    private static IHost Worker(int populationPort, int slots)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAkka("actornas", (akka, services) => akka.WithActorNasWorker(services, o =>
        {
            o.Port = 0;
            o.SeedNodes = [$"127.0.0.1:{populationPort}"];
            o.Slots = slots;
            o.Evaluator = (_, _) => new SumEvaluator(delayMs: 5);
        }));
        return builder.Build();
    }

    [SkippableFact]
    public async Task A_population_host_and_a_worker_host_run_a_search_and_the_populations_proxy_comes_from_the_registry()
    {
        Skip.If(string.IsNullOrWhiteSpace(Postgres), "ACTORNAS_TEST_POSTGRES is not set: no PostgreSQL server configured");
        var searchId = "hosted-cluster-" + Guid.NewGuid().ToString("N")[..8];
        var port = OwnPostgres.FreePort();
        using var population = Population(searchId, port, budget: 24, Postgres);
        await population.StartAsync();
        using var worker = Worker(port, slots: 2);
        await worker.StartAsync();

        var proxy = await population.Services.GetRequiredService<ActorRegistry>().GetAsync<ActorNasPopulationKey>();
        var status = await WaitUntilCompletedAsync(proxy);
        Assert.Equal("budget", status.CompletionReason);
        Assert.Equal(24, status.Evaluated);
        Assert.True(worker.Services.GetRequiredService<ActorRegistry>().TryGet<ActorNasWorkerKey>(out _));

        // the worker leaves once the search is over, and its system stops
        var workerSystem = worker.Services.GetRequiredService<ActorSystem>();
        Assert.True(await Task.WhenAny(workerSystem.WhenTerminated, Task.Delay(TimeSpan.FromSeconds(60))) == workerSystem.WhenTerminated,
            "the worker's system did not stop after the search ended");
        await population.StopAsync();

        // every evaluation ran on the worker node's slots, and is in the shared log
        var events = await LogReading.FromPostgresAsync(Postgres!, searchId);
        var evaluated = events.OfType<CandidateEvaluated>().ToList();
        Assert.Equal(24, evaluated.Count);
        var started = events.OfType<CandidateStarted>().ToList();
        Assert.NotEmpty(started);
        Assert.All(started, s => Assert.NotEqual($"127.0.0.1:{port}", s.Node));
    }

    [Fact]
    public async Task A_population_node_refuses_a_SQLite_log_and_says_how_to_set_PostgreSQL()
    {
        using var population = Population("no-shared-log", OwnPostgres.FreePort(), budget: 10);
        var error = await Assert.ThrowsAnyAsync<SettingsException>(() => population.StartAsync());
        Assert.Contains("needs its log in PostgreSQL, not sqlite", error.Message);
        Assert.Contains("PostgresConnectionString", error.Message);
    }

    [Fact]
    public async Task A_worker_without_a_population_to_join_is_refused_with_the_option_to_set()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAkka("actornas", (akka, services) => akka.WithActorNasWorker(services, o => o.Port = 0));
        using var host = builder.Build();
        var error = await Assert.ThrowsAnyAsync<SettingsException>(() => host.StartAsync());
        Assert.Contains("SeedNodes", error.Message);
    }

    [SkippableFact]
    public async Task A_cluster_node_in_a_system_with_another_name_is_refused_with_the_name_it_needs()
    {
        Skip.If(string.IsNullOrWhiteSpace(Postgres), "ACTORNAS_TEST_POSTGRES is not set: no PostgreSQL server configured");
        using var population = Population("misnamed", OwnPostgres.FreePort(), budget: 10, Postgres, systemName: "my-app");
        var error = await Assert.ThrowsAnyAsync<Exception>(() => population.StartAsync());
        Assert.Contains("named \"actornas\"", error.GetBaseException().Message + error.Message);
    }

    private static async Task<SearchStatus> WaitUntilCompletedAsync(IActorRef population)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            try
            {
                var status = await population.Ask<SearchStatus>(GetSearchStatus.Instance, TimeSpan.FromSeconds(5));
                if (status.IsCompleted || DateTime.UtcNow > deadline) return status;
            }
            catch (AskTimeoutException) when (DateTime.UtcNow < deadline)
            {
                // the singleton is starting
            }
            await Task.Delay(200);
        }
    }
}
