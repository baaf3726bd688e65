using ActorNas.Tests.Shared;
using System.Globalization;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators;
using ActorNas.Actors.Search;
using ActorNas.Actors.Tabular;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Simulation;
using ActorNas.Core.Tabular;
using Akka.Configuration;
using Xunit;
using Xunit.Abstractions;

namespace ActorNas.Actors.Tests;

/// <summary>
/// The simulated clock gives the same search as real sleeping: a SearchSession with the tabular evaluator, one worker
/// and a small time-scale (each evaluation sleeps 1.5 to 44 ms), against <see cref="SimulatedSearch"/> with the same
/// configuration. With one worker every decision depends only on the results before it, so the two must agree
/// candidate for candidate; only the timestamps differ.
/// </summary>
public sealed class TabularSearchTests : SqliteTestKit
{
    /// <summary>Real seconds per simulated second: the CIFAR-10 cells take about 8 to 220 simulated seconds.</summary>
    private const double TimeScale = 0.0002;
    private const int Budget = 40;

    private readonly ITestOutputHelper _output;

    public TabularSearchTests(ITestOutputHelper output) : base(output)
    {
        _output = output;
    }

    /// <summary>On the shipped table: the settings name none.</summary>
    [Fact]
    public Task The_simulated_clock_gives_the_same_search_as_real_sleeping() => CompareAsync("plain", screening: "", tablePath: null);

    /// <summary>On the repository's file, named as a .gz path like --table would.</summary>
    [Fact]
    public Task With_surrogate_screening_the_proxy_travels_to_the_Mutator_and_the_search_still_matches_the_simulation() =>
        CompareAsync("screened", screening: "screening { mutants = 4, proxy = surrogate }", tablePath: ShippedTable.GzPath);

    [Fact]
    public void Screening_changes_the_children_so_the_screened_comparison_is_not_the_plain_one_twice()
    {
        var table = Nb201TableLoader.Shipped;
        var plain = Settings(null, "");
        var screened = Settings(null, "screening { mutants = 4, proxy = surrogate }");
        Assert.Equal(new Screening(4, ProxyKind.Surrogate), screened.Search.Screening);
        Assert.False(plain.Search.Screening.IsOn);

        var a = SimulatedSearch.Run(plain.Search, new TabularEvaluator(table, plain.Evaluator.Tabular), workers: 1);
        var b = SimulatedSearch.Run(screened.Search, new TabularEvaluator(table, screened.Evaluator.Tabular), workers: 1);
        var childrenA = a.Events.OfType<CandidateProposed>().Select(p => p.Genotype).ToList();
        var childrenB = b.Events.OfType<CandidateProposed>().Select(p => p.Genotype).ToList();
        // the warm-up is random and the same; the children of tournaments differ somewhere
        Assert.Equal(childrenA.Take(10), childrenB.Take(10));
        Assert.NotEqual(childrenA, childrenB);
    }

    private async Task CompareAsync(string searchId, string screening, string? tablePath)
    {
        var table = Nb201TableLoader.Shipped;
        var settings = Settings(tablePath, screening);
        Assert.Equal(tablePath ?? "", settings.Evaluator.TablePath);
        Assert.Equal(BuiltInEvaluators.Tabular, settings.Evaluator.Name);
        Assert.Equal(TimeScale, settings.Evaluator.Tabular.TimeScale);
        Assert.Equal(1, settings.Evaluator.Workers);

        // the real run: the evaluator comes from the built-in factory (which loads the table named in the settings)
        var session = SearchSession.Start(Sys, new SearchSessionOptions(searchId, settings.Search, true, settings,
            BuiltInEvaluators.Factory(settings.Evaluator), "node"));
        var outcome = await session.Completion.WaitAsync(TimeSpan.FromSeconds(90));
        await session.DisposeAsync();
        Assert.True(outcome.Completed, outcome.Error);
        Assert.Equal(Budget, outcome.Status!.Evaluated);
        var real = await ReadLogAsync(searchId);
        // the log records what a resume needs: the evaluator and the screening
        var recorded = real.OfType<SearchStarted>().Single().Config;
        Assert.Equal(BuiltInEvaluators.Tabular, recorded.Evaluator);
        Assert.Equal(settings.Search.Screening, recorded.Screening);

        var simulated = SimulatedSearch.Run(settings.Search, new TabularEvaluator(table, settings.Evaluator.Tabular), workers: 1);
        Assert.True(simulated.State.IsCompleted);
        Assert.Equal(Budget, simulated.State.Evaluated);

        // the same candidates, in the same order, with the same parents, genotypes and mutations
        var realProposals = Proposals(real);
        var simulatedProposals = Proposals(simulated.Events);
        Assert.Equal(Budget, simulatedProposals.Count);     // no failures: one proposal per evaluation
        Assert.Equal(simulatedProposals, realProposals);
        Assert.Equal(
            simulated.Events.OfType<CandidateProposed>().Select(p => string.Join(' ', p.Tournament ?? [])),
            real.OfType<CandidateProposed>().Select(p => string.Join(' ', p.Tournament ?? [])));

        // the same objectives and metrics
        var realResults = real.OfType<CandidateEvaluated>().ToDictionary(e => e.Id);
        var simulatedResults = simulated.Events.OfType<CandidateEvaluated>().ToDictionary(e => e.Id);
        Assert.Equal(simulatedResults.Keys.Order(), realResults.Keys.Order());
        foreach (var (id, s) in simulatedResults)
        {
            var r = realResults[id];
            Assert.Equal(s.Objective, r.Objective);
            Assert.Equal(s.Metrics!.OrderBy(kv => kv.Key), r.Metrics!.OrderBy(kv => kv.Key));
            Assert.Equal(s.Metrics!["validAccuracy"], s.Objective);
        }
        // the same best (the node that evaluated it differs: the simulation names its own)
        Assert.Equal(simulated.State.Best! with { Node = null }, outcome.Status.Best! with { Node = null });

        // the real run slept: each wall duration is at least the simulated seconds times the scale, less timer slack.
        // .NET timers on Linux count coarse milliseconds (CLOCK_MONOTONIC_COARSE, 4 ms here) and Task.Delay truncates to
        // whole milliseconds: on two busy cores a delay was seen to end up to 6.2 ms early (median 3 ms late) by the
        // precise clock that stamps the events. So: a generous slack per evaluation, and most of the total slept.
        const double TimerSlack = 0.010;
        double expectedTotal = 0, wallTotal = 0;
        foreach (var r in realResults.Values)
        {
            var expected = r.Metrics!["simulatedSeconds"] * TimeScale;
            var wall = (r.FinishedAt - r.StartedAt).TotalSeconds;
            Assert.True(wall >= expected - TimerSlack,
                string.Create(CultureInfo.InvariantCulture, $"candidate {r.Id}: {wall * 1000:F2} ms of wall time for a {expected * 1000:F2} ms sleep"));
            expectedTotal += expected;
            wallTotal += wall;
        }
        Assert.True(expectedTotal > 0.3, $"the sleeps are too short to tell anything: {expectedTotal:F3} s in all");
        Assert.True(wallTotal >= 0.8 * expectedTotal, $"{wallTotal:F3} s of evaluations for {expectedTotal:F3} s of sleeps");

        // the simulated log's durations are the simulated seconds, on the virtual clock
        foreach (var s in simulatedResults.Values)
            Assert.Equal(s.Metrics!["simulatedSeconds"], (s.FinishedAt - s.StartedAt).TotalSeconds, 1e-6);
        Assert.Equal(simulatedResults.Values.Sum(s => s.Metrics!["simulatedSeconds"]), simulated.BusySeconds, 1e-6);
        Assert.Equal(simulated.Seconds, simulated.BusySeconds, 1e-6);    // one worker, never idle

        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{searchId}: best {simulated.State.Best}, {simulated.Seconds:F0} simulated s, real evaluations {wallTotal:F3} s for {expectedTotal:F3} s of sleeps"));
    }

    private static List<(long Id, long? ParentId, string Genotype, Mutation? Mutation)> Proposals(IEnumerable<ISearchEvent> log) =>
        log.OfType<CandidateProposed>().Select(p => (p.Id, p.ParentId, string.Join(',', p.Genotype), p.Mutation)).ToList();

    /// <param name="tablePath">The table file, or null for none (the shipped table).</param>
    private static ActorNasSettings Settings(string? tablePath, string screening) =>
        ActorNasSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString(string.Create(CultureInfo.InvariantCulture, $$"""
            actornas.space.name = nb201
            actornas.search {
              budget = {{Budget}}, population-size = 10, sample-size = 3, seed = 20261124
              {{screening}}
            }
            actornas.evaluator {
              name = tabular
              workers = 1
              # the simulator hands out the next candidate after the last result: so must the real run (with a lookahead
              # its next tournament would run before the result of the candidate the slot evaluates is in)
              lookahead = 0
              tabular { {{(tablePath is null ? "" : $"table = \"{tablePath.Replace("\\", "\\\\", StringComparison.Ordinal)}\",")}} dataset = cifar10, time-scale = {{TimeScale}} }
            }
            """))));
}
