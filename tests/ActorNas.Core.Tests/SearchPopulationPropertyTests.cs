using ActorNas.Core.Events;
using ActorNas.Core.Tests.TestSupport;
using CsCheck;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>Aging: the population is bounded by P, the oldest member retires first, and members are the latest results.</summary>
public sealed class SearchPopulationPropertyTests
{
    [Fact]
    public void The_population_never_exceeds_P_after_any_event()
    {
        var coverage = new Coverage();
        Scenarios.Any().Sample(s =>
        {
            var run = SearchRun.Execute(s);
            var p = s.Config.PopulationSize;
            foreach (var step in run.Trace)
            {
                Assert.True(step.After.Population.Count <= p,
                    $"population {step.After.Population.Count} > P = {p} after {step.Event}");
                if (step.After.Population.Count == p) coverage.Hit("population full");
            }
        }, iter: 150);
        coverage.Require("population full");
    }

    [Fact]
    public void The_oldest_member_retires_first_and_only_when_a_result_would_exceed_P()
    {
        var coverage = new Coverage();
        Scenarios.Any().Sample(s =>
        {
            var run = SearchRun.Execute(s);
            foreach (var step in run.Trace)
            {
                if (step.Event is not CandidateRetired retired) continue;
                Assert.NotEmpty(step.PopulationBefore);
                Assert.Equal(step.PopulationBefore[0].Id, retired.Id);
                coverage.Hit("retired");
            }
            foreach (var call in run.Results)
            {
                var retires = call.Events.OfType<CandidateRetired>().Count();
                Assert.Equal(call.PopulationBefore == s.Config.PopulationSize ? 1 : 0, retires);
            }
            Assert.Equal(Math.Max(0, run.State.Evaluated - s.Config.PopulationSize), run.State.Retired);
            Assert.Equal(run.State.Retired, run.Log.OfType<CandidateRetired>().Count());
        }, iter: 150);
        coverage.Require("retired");
    }

    [Fact]
    public void The_population_is_the_last_P_results_in_the_order_they_arrived() =>
        Scenarios.Any().Sample(s =>
        {
            var run = SearchRun.Execute(s);
            var evaluated = run.Log.OfType<CandidateEvaluated>().ToList();
            var genotypes = run.Log.OfType<CandidateProposed>().ToDictionary(p => p.Id, p => p.Genotype);
            var expected = evaluated.Skip(Math.Max(0, evaluated.Count - s.Config.PopulationSize)).ToList();
            Assert.Equal(expected.Select(e => e.Id), run.State.Population.Select(m => m.Id));
            Assert.Equal(expected.Select(e => e.Objective), run.State.Population.Select(m => m.Objective));
            Assert.All(run.State.Population, m => Assert.Equal(genotypes[m.Id], m.Genotype));

            var best = evaluated.Count == 0 ? null : evaluated.Aggregate((a, b) => b.Objective > a.Objective ? b : a);
            Assert.Equal(best?.Id, run.State.Best?.Id);
            Assert.Equal(best?.Objective, run.State.Best?.Objective);
        }, iter: 150);
}
