using ActorNas.Core;
using ActorNas.Core.Events;
using ActorNas.Core.Spaces;
using ActorNas.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace ActorNas.Hosting.Tests;

/// <summary>A host that brings its own search space through the typed options.</summary>
public sealed class CustomSpaceHostingTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    /// <summary>Three positions with 3, 4 and 5 choices.</summary>
    private sealed class DialsSpace : ISearchSpace
    {
        public string Name => "dials-hosting-test";
        public int Length => 3;
        public int ChoicesAt(int position) => position + 3;
        public string Format(Genotype genotype) => string.Join('/', genotype);
        public Genotype Parse(string text) => new([.. text.Split('/').Select(int.Parse)]);
        public int TransferablePrefixLength(int changedPosition) => changedPosition;
    }

    [Fact]
    public async Task A_search_over_the_users_own_space_runs_and_records_only_its_genotypes()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddActorNas(o =>
        {
            o.SearchId = "dials";
            o.DatabasePath = _scratch.File("dials.db");
            o.SearchSpace = new DialsSpace();
            o.PopulationSize = 6;
            o.SampleSize = 2;
            o.Budget = 25;
            o.Workers = 2;
            o.Evaluator = (_, _) => new SumEvaluator();
        });
        using var host = builder.Build();
        await host.StartAsync();
        var search = host.Services.GetRequiredService<ActorNasSearch>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var events = new List<ISearchEvent>();
        await foreach (var e in search.SubscribeAsync(0, timeout.Token)) events.Add(e.Event);
        var outcome = await search.WaitForCompletionAsync(timeout.Token);
        await host.StopAsync();

        Assert.True(outcome.Completed, outcome.Error);
        Assert.Equal(25, outcome.Status!.Evaluated);
        Assert.Equal("dials-hosting-test", Assert.IsType<SearchStarted>(events[0]).Config.Space.Name);
        var genotypes = events.OfType<CandidateProposed>().Select(p => p.Genotype).ToList();
        Assert.All(genotypes, g =>
        {
            Assert.Equal(3, g.Length);
            for (var p = 0; p < 3; p++) Assert.InRange(g[p], 0, p + 2);
        });
        // the user's objective is what was recorded, and the reported best is the best of it
        var proposed = events.OfType<CandidateProposed>().ToDictionary(p => p.Id, p => p.Genotype);
        var evaluated = events.OfType<CandidateEvaluated>().ToList();
        Assert.All(evaluated, v => Assert.Equal(proposed[v.Id].Sum(), v.Objective));
        Assert.Equal(evaluated.Max(v => v.Objective), outcome.Status.Best!.Objective);
    }
}
