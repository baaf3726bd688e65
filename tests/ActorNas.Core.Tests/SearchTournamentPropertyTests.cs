using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Core.Tests.TestSupport;
using CsCheck;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>Warm-up is random; afterwards each child comes from the best of S members drawn from the population, mutated once.</summary>
public sealed class SearchTournamentPropertyTests
{
    [Fact]
    public void With_one_worker_and_no_failures_the_first_P_proposals_are_random_and_the_rest_have_parents()
    {
        var coverage = new Coverage();
        Scenarios.Sequential().Sample(s =>
        {
            var run = SearchRun.Execute(s);
            var proposals = run.Log.OfType<CandidateProposed>().ToList();
            var warmUp = Math.Min(s.Config.PopulationSize, s.Config.Budget);
            Assert.Equal(s.Config.Budget, proposals.Count);
            Assert.Equal(Enumerable.Range(1, s.Config.Budget).Select(i => (long)i), proposals.Select(p => p.Id));
            Assert.All(proposals.Take(warmUp), p =>
            {
                Assert.Null(p.ParentId);
                Assert.Null(p.Mutation);
                Assert.Null(p.Tournament);
            });
            Assert.All(proposals.Skip(warmUp), p =>
            {
                Assert.NotNull(p.ParentId);
                Assert.NotNull(p.Mutation);
                Assert.NotNull(p.Tournament);
                coverage.Hit("child");
            });
        }, iter: 150);
        coverage.Require("child");
    }

    [Fact]
    public void A_tournament_draws_min_S_P_distinct_members_of_the_population_and_the_best_drawn_is_the_parent()
    {
        var coverage = new Coverage();
        Scenarios.Any().Sample(s =>
        {
            var run = SearchRun.Execute(s);
            foreach (var call in run.Assigns)
            {
                if (call.Result is not MutationNeeded { Reservation: var r }) continue;
                var population = call.Before.Population;
                Assert.NotEmpty(population);
                Assert.Equal(Math.Min(s.Config.SampleSize, population.Count), r.Tournament.Count);
                Assert.Equal(r.Tournament.Count, r.Tournament.Distinct().Count());
                var drawn = r.Tournament.Select(id => Assert.Single(population, m => m.Id == id)).ToList();
                var best = drawn.Aggregate((a, b) => b.Objective > a.Objective ? b : a);   // ties go to the first drawn
                Assert.Equal(best.Id, r.ParentId);
                Assert.Equal(best.Genotype, r.Parent);
                Assert.Equal(call.Worker, r.Worker);
                coverage.Hit("tournament");
                if (r.Tournament.Count < s.Config.SampleSize) coverage.Hit("tournament smaller than S");
                if (r.Tournament.Count > 1) coverage.Hit("tournament of several");
            }
        }, iter: 150);
        coverage.Require("tournament", "tournament smaller than S", "tournament of several");
    }

    [Fact]
    public void Random_candidates_are_proposed_only_while_the_population_and_the_random_pending_are_below_P()
    {
        var coverage = new Coverage();
        Scenarios.Any().Sample(s =>
        {
            var run = SearchRun.Execute(s);
            foreach (var call in run.Assigns)
            {
                var ctx = call.Before;
                var warmingUp = ctx.Population.Count + ctx.RandomPending < s.Config.PopulationSize || ctx.Population.Count == 0;
                switch (call.Result)
                {
                    case AssignCandidate a when a.Events.OfType<CandidateProposed>().SingleOrDefault() is { } p:
                        Assert.True(warmingUp, $"random candidate {p.Id} proposed with population {ctx.Population.Count} and {ctx.RandomPending} random pending");
                        Assert.Null(p.ParentId);
                        Assert.Equal(p.Genotype, a.Candidate.Genotype);
                        coverage.Hit("random");
                        if (ctx.Population.Count > 0) coverage.Hit("random after the first result");
                        break;
                    case MutationNeeded:
                        Assert.False(warmingUp, "a tournament during warm-up");
                        break;
                }
            }
        }, iter: 150);
        coverage.Require("random", "random after the first result");
    }

    [Fact]
    public void A_child_is_its_parent_mutated_once_and_its_proposal_records_parent_tournament_and_mutation()
    {
        var coverage = new Coverage();
        Scenarios.Any().Sample(s =>
        {
            var run = SearchRun.Execute(s);
            var space = s.Config.Space.Create();
            foreach (var call in run.Proposals)
            {
                var r = call.Reservation;
                var m = call.Mutation;
                Assert.Equal(new[] { m.Position }, Enumerable.Range(0, space.Length).Where(i => call.Child[i] != r.Parent[i]));
                Assert.Equal(r.Parent[m.Position], m.From);
                Assert.Equal(call.Child[m.Position], m.To);
                space.Validate(call.Child);

                var result = Assert.IsType<AssignCandidate>(call.Result);
                Assert.Equal(2, result.Events.Count);
                var proposed = Assert.IsType<CandidateProposed>(result.Events[0]);
                var started = Assert.IsType<CandidateStarted>(result.Events[1]);
                Assert.Equal(r.Id, proposed.Id);
                Assert.Equal(r.ParentId, proposed.ParentId);
                Assert.Equal(call.Child, proposed.Genotype);
                Assert.Equal(m, proposed.Mutation);
                Assert.Equal(r.Tournament, proposed.Tournament!);
                Assert.Equal(r.Id, started.Id);
                Assert.Equal(r.Worker, started.Worker);
                Assert.Equal(1, started.Attempt);
                Assert.Equal(new Evaluation.Candidate(r.Id, r.ParentId, call.Child, 1, r.ParentNode), result.Candidate);
                coverage.Hit("child");
            }
        }, iter: 150);
        coverage.Require("child");
    }
}
