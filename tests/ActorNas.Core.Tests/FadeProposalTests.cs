using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Core.Spaces.Hierarchical;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>
/// One FaDE step without libtorch: the region weigher is replaced by a function of the region whose ranking is known,
/// so what the step proposes can be checked against it.
/// </summary>
public sealed class FadeProposalTests
{
    private static readonly HierarchicalSpace Space = new();

    private static readonly SearchSettings Config = new()
    {
        Space = new SearchSpaceSpec(HierarchicalSpace.SpaceName, Hierarchical: new HierarchicalSpaceSettings()),
        PopulationSize = 1,
        SampleSize = 1,
        Seed = 7,
        Screening = new Screening(8, ProxyKind.Fade),
    };

    private static readonly ProxyModel Fade = new(ProxyKind.Fade, []);

    /// <summary>Weights that favour graphs with more edges (softmax of the edge count per stage), and the seeds it was given.</summary>
    private static RegionWeigher EdgeLoving(List<long>? seeds = null) => (region, seed, _) =>
    {
        seeds?.Add(seed);
        return [.. Enumerable.Range(0, region.Stages).Select(s =>
        {
            var raw = region.CandidatesAt(s).Select(g => Math.Exp(Space.Catalogue.Graphs[g].EdgeCount)).ToArray();
            return (IReadOnlyList<double>)[.. raw.Select(r => r / raw.Sum())];
        })];
    };

    private static Genotype Centre(long id) => Mutator.RandomGenotype(Space, DeterministicRandom.For(3, id, RandomPurpose.RandomGenotype));

    [Fact]
    public void The_step_ranks_distinct_neighbours_of_the_centre_and_proposes_the_best_ranked()
    {
        for (long id = 1; id <= 40; id++)
        {
            var centre = Centre(id);
            var proposal = ChildProposer.ChildOf(Config, Space, id, centre, Fade, weigher: EdgeLoving());
            var seen = proposal.Screened!;
            var mutants = seen.Mutants!;

            Assert.Equal(mutants.Count, seen.Scores.Count);
            Assert.Equal(mutants.Count, mutants.Distinct().Count());
            Assert.DoesNotContain(centre, mutants);
            foreach (var mutant in mutants)
            {
                var changed = Enumerable.Range(0, Space.Length).Where(s => mutant[s] != centre[s]).ToList();
                Assert.Single(changed);
                Assert.Contains(mutant[changed[0]], Space.Catalogue.NeighboursOf(centre[changed[0]]));
            }

            // the recorded region is the smallest that holds the centre and the neighbours, the centre's graph first
            var region = new Region(Space, seen.Region!);
            Assert.NotNull(region.ChoiceOf(centre));
            Assert.All(Enumerable.Range(0, Space.Length), s => Assert.Equal(centre[s], region.CandidatesAt(s)[0]));
            Assert.Equal(
                Enumerable.Range(0, Space.Length).Select(s => mutants.Select(m => m[s]).Append(centre[s]).Distinct().Count()),
                Enumerable.Range(0, Space.Length).Select(s => region.CandidatesAt(s).Count));

            // scores are the FaDE ranks under the recorded weights, and the proposal is the first of the best
            var expected = mutants.Select(m => FadeRanks.Score(region, seen.Weights!, m)).ToList();
            Assert.Equal(expected, seen.Scores);
            Assert.Equal(expected.IndexOf(expected.Max()), seen.Chosen);
            Assert.Equal(mutants[seen.Chosen], proposal.Child);
            Assert.Equal(centre.With(proposal.Mutation!.Position, proposal.Mutation.To), proposal.Child);
        }
    }

    [Fact]
    public void The_same_candidate_draws_the_same_region_and_trains_it_with_the_same_seed()
    {
        var centre = Centre(5);
        var seeds = new List<long>();
        var first = ChildProposer.ChildOf(Config, Space, 12, centre, Fade, weigher: EdgeLoving(seeds));
        var again = ChildProposer.ChildOf(Config, Space, 12, centre, Fade, weigher: EdgeLoving(seeds));
        var other = ChildProposer.ChildOf(Config, Space, 13, centre, Fade, weigher: EdgeLoving(seeds));

        Assert.Equal(first.Child, again.Child);
        Assert.Equal(first.Screened!.Mutants, again.Screened!.Mutants);
        Assert.Equal(seeds[0], seeds[1]);
        Assert.NotEqual(seeds[0], seeds[2]);
        Assert.NotEqual(first.Screened.Mutants, other.Screened!.Mutants);
    }

    [Fact]
    public void A_centre_with_fewer_neighbours_than_asked_ranks_all_of_them()
    {
        // the one-vertex graph at every stage: its neighbours are the two graphs of two vertices, so 3 x 2 in all
        var single = Space.Catalogue.IndexOf(Space.Catalogue.Graphs.First(g => g.Vertices == 1));
        var centre = new Genotype([single, single, single]);
        var neighbourhood = Space.Length * Space.Catalogue.NeighboursOf(single).Count;
        Assert.True(neighbourhood < Config.Screening.Mutants);

        var proposal = ChildProposer.ChildOf(Config, Space, 1, centre, Fade, weigher: EdgeLoving());

        Assert.Equal(neighbourhood, proposal.Screened!.Mutants!.Count);
    }

    [Fact]
    public void Without_a_weigher_the_step_says_what_is_missing()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ChildProposer.ChildOf(Config, Space, 1, Centre(1), Fade));
        Assert.Contains("region weigher", e.Message);
    }

    [Theory]
    [InlineData("nb201", 8, "set space.name = hierarchical")]
    [InlineData("hierarchical", 1, "at least 2")]
    [InlineData("hierarchical", 500, "lower search.fade.neighbours")]
    public void Bad_fade_settings_are_refused_with_the_fix(string space, int neighbours, string fix)
    {
        var spec = space == "nb201" ? new SearchSpaceSpec("nb201") : Config.Space;
        var e = Assert.Throws<ArgumentException>(() => new Screening(neighbours, ProxyKind.Fade).Validate(spec));
        Assert.Contains(fix, e.Message);
    }

    [Fact]
    public void Bad_region_training_settings_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            new Screening(8, ProxyKind.Fade, new RegionTrainingSettings(Epochs: 0)).Validate(Config.Space));
        Assert.Contains("at least 1 epoch", e.Message);
    }
}
