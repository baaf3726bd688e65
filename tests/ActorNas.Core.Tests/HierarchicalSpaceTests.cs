using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Simulation;
using ActorNas.Core.Spaces;
using ActorNas.Core.Spaces.Hierarchical;
using ActorNas.Core.Tests.TestSupport;
using Xunit;

namespace ActorNas.Core.Tests;

public sealed class HierarchicalSpaceTests
{
    private static readonly HierarchicalSpace Space = new();

    [Theory]
    // unlabelled DAGs on m vertices: 1, 2, 6, 31, 302 (OEIS A003087)
    [InlineData(2, 1 + 2)]
    [InlineData(3, 1 + 2 + 6)]
    [InlineData(4, 1 + 2 + 6 + 31)]
    [InlineData(5, 1 + 2 + 6 + 31 + 302)]
    public void The_catalogue_holds_one_graph_per_isomorphism_class(int vertices, int expected)
    {
        var catalogue = CellGraphCatalogue.UpTo(vertices);
        Assert.Equal(expected, catalogue.Count);
        Assert.Equal(catalogue.Count, catalogue.Graphs.Distinct().Count());
        // ordered by vertex count, then edge count
        Assert.Equal(catalogue.Graphs.OrderBy(g => g.Vertices).ThenBy(g => g.EdgeCount).ThenBy(g => g.Code), catalogue.Graphs);
    }

    [Fact]
    public void Every_relabelling_of_a_graph_parses_to_the_same_genotype()
    {
        var random = new DeterministicRandom(11);
        for (var value = 0; value < Space.Catalogue.Count; value++)
        {
            var graph = Space.Catalogue.Graphs[value];
            for (var trial = 0; trial < 5; trial++)
            {
                var p = random.SampleWithoutReplacement(graph.Vertices, graph.Vertices);
                var rows = Enumerable.Range(0, graph.Vertices).Select(_ => new char[graph.Vertices]).ToArray();
                foreach (var row in rows) Array.Fill(row, '0');
                foreach (var (from, to) in graph.Edges) rows[p[from]][p[to]] = '1';
                var text = string.Join('/', rows.Select(r => new string(r)));
                var genotype = Space.Parse($"|{text}|0|0|");
                Assert.Equal(value, genotype[0]);
            }
        }
    }

    [Fact]
    public void Two_isomorphic_graphs_written_differently_are_one_genotype()
    {
        // a chain 0->1->2 written in two orders, and the diamond with its middle vertices swapped
        Assert.Equal(Space.Parse("|010/001/000|0|0|"), Space.Parse("|000/100/010|0|0|"));
        Assert.Equal(Space.Parse("|0110/0001/0001/0000|0|0|"), Space.Parse("|0000/1000/1000/0110|0|0|"));
        Assert.NotEqual(Space.Parse("|010/001/000|0|0|"), Space.Parse("|011/000/000|0|0|"));
    }

    [Fact]
    public void Format_and_parse_round_trip_every_graph_at_every_stage()
    {
        for (var value = 0; value < Space.Catalogue.Count; value++)
            for (var stage = 0; stage < Space.Length; stage++)
            {
                var genotype = new Genotype(new int[Space.Length]).With(stage, value);
                var text = Space.Format(genotype);
                Assert.Equal(genotype, Space.Parse(text));
                Assert.Equal(genotype, Space.ParseAny(text));
                Assert.Equal(genotype, Space.ParseAny(genotype.ToString()));
            }
        Assert.Equal("|0110/0001/0001/0000|01/00|0|", Space.Format(Space.Parse("|0110/0001/0001/0000|01/00|0|")));
    }

    [Theory]
    [InlineData("0|0|0", "it must start and end with '|'")]
    [InlineData("|0|0|0", "it must start and end with '|'")]
    [InlineData("|0|0|", "expected 3 stage graphs separated by '|', found 2")]
    [InlineData("|0|0|0|0|", "expected 3 stage graphs separated by '|', found 4")]
    [InlineData("|0|01/10|0|", "stage 2 (position 1) \"01/10\" has a cycle")]
    [InlineData("|0|0|10/00|", "stage 3 (position 2) \"10/00\": row 0 has an edge from vertex 0 to itself")]
    [InlineData("|00000/00000/00000/00000/00000|0|0|", "stage 1 (position 0) \"00000/00000/00000/00000/00000\" has 5 vertices; this space's cell graphs have 1..4")]
    [InlineData("|0|01/0|0|", "stage 2 (position 1) \"01/0\": row 1 \"0\" must be 2 characters of 0 and 1")]
    [InlineData("|0|0|0x/00|", "stage 3 (position 2) \"0x/00\": row 0 \"0x\" must be 2 characters")]
    [InlineData("||0|0|", "stage 1 (position 0) \"\" has 0 vertices")]
    public void Bad_strings_are_refused_naming_the_stage_and_position(string text, string expected)
    {
        var error = Assert.Throws<GenotypeFormatException>(() => Space.Parse(text));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Neighbours_are_one_edge_or_one_vertex_away_and_the_relation_is_symmetric()
    {
        var catalogue = CellGraphCatalogue.UpTo(4);
        for (var i = 0; i < catalogue.Count; i++)
        {
            var g = catalogue.Graphs[i];
            var neighbours = catalogue.NeighboursOf(i);
            Assert.NotEmpty(neighbours);
            Assert.DoesNotContain(i, neighbours);
            foreach (var j in neighbours)
            {
                Assert.Contains(i, catalogue.NeighboursOf(j));
                var h = catalogue.Graphs[j];
                if (h.Vertices == g.Vertices) Assert.Equal(1, Math.Abs(h.EdgeCount - g.EdgeCount));
                else Assert.Equal(1, Math.Abs(h.Vertices - g.Vertices));
            }
        }
        // the single vertex grows to both 2-vertex graphs; the 2-vertex edge gains or loses exactly one thing
        var single = catalogue.IndexOf(new CellGraph(1, 0));
        Assert.Equal([catalogue.IndexOf(new CellGraph(2, 0)), catalogue.IndexOf(new CellGraph(2, 1))], catalogue.NeighboursOf(single));
        // the 4-vertex chain: drop an edge (3 ways, 2 classes: 0->1 2->3 pieces or a 3-chain plus a vertex), add one
        // (0->2, 1->3, 0->3), or drop an end or middle vertex
        var chain = Space.Parse("|0100/0010/0001/0000|0|0|")[0];
        var expected = new[]
        {
            "0100/0000/0001/0000", "0000/0010/0001/0000", "0110/0010/0001/0000", "0101/0010/0001/0000", "0100/0011/0001/0000",
            "010/001/000", "010/000/000",
        }.Select(t => Space.Parse($"|{t}|0|0|")[0]).Distinct().Order();
        Assert.Equal(expected, catalogue.NeighboursOf(chain));
    }

    [Fact]
    public void A_mutation_changes_one_stage_to_a_neighbouring_graph()
    {
        var positions = new int[Space.Length];
        for (var id = 0; id < 2_000; id++)
        {
            var parent = Mutator.RandomGenotype(Space, DeterministicRandom.For(4, id, RandomPurpose.RandomGenotype));
            var (child, mutation) = Mutator.Mutate(Space, parent, DeterministicRandom.For(4, id, RandomPurpose.Mutation));
            var changed = Enumerable.Range(0, Space.Length).Where(p => parent[p] != child[p]).ToList();
            Assert.Equal([mutation.Position], changed);
            Assert.Equal(parent[mutation.Position], mutation.From);
            Assert.Equal(child[mutation.Position], mutation.To);
            Assert.Contains(mutation.To, Space.Catalogue.NeighboursOf(mutation.From));
            positions[mutation.Position]++;
        }
        Assert.All(positions, n => Assert.InRange(n, 550, 780));
    }

    [Fact]
    public void Spaces_without_neighbours_still_redraw_uniformly()
    {
        // the hook's default keeps NB201 and sequential mutation as it was: any other value, uniformly
        Assert.Null(((ISearchSpace)Nb201Space.Instance).NeighbourValues(0, 2));
        Assert.Null(((ISearchSpace)new SequentialSpace()).NeighbourValues(3, 1));
        var seen = new HashSet<int>();
        var parent = new Genotype([0, 0, 0, 0, 0, 0]);
        for (var id = 0; id < 500; id++) seen.Add(Mutator.Mutate(Nb201Space.Instance, parent, DeterministicRandom.For(2, id, RandomPurpose.Mutation)).Child.Max());
        Assert.Equal([1, 2, 3, 4], seen.Order());
    }

    [Fact]
    public void A_change_at_a_stage_keeps_the_stages_before_it()
    {
        Assert.Equal(0, Space.TransferablePrefixLength(0));
        Assert.Equal(2, Space.TransferablePrefixLength(2));
        Assert.Equal([1, 2], ((ISearchSpace)Space).InvalidatedBy(1));
    }

    [Fact]
    public void Parameters_and_flops_follow_the_settings()
    {
        // single vertices everywhere: only the stage convs (3x3 with bias) and the head on 16 x 2 x 2 features
        var plain = Space.Cost(Space.Parse("|0|0|0|"));
        var convs = (1 * 4 * 9 + 4) + (4 * 8 * 9 + 8) + (8 * 16 * 9 + 16);
        Assert.Equal(convs + 64 * 10 + 10, plain.Parameters);
        Assert.Equal(1 * 4 * 9 * 28 * 28 + 4 * 8 * 9 * 7 * 7 + 8 * 16 * 9 * 4 * 4 + 64 * 10, plain.Flops);

        // the diamond at stage 2 has 4 edges of 8 -> 8 channels at 7 x 7; the chain at stage 3 has 2 of 16 -> 16 at 4 x 4
        var cost = Space.Cost(Space.Parse("|0|0110/0001/0001/0000|010/001/000|"));
        Assert.Equal(plain.Parameters + 4 * (8 * 8 * 9 + 8) + 2 * (16 * 16 * 9 + 16), cost.Parameters);
        Assert.Equal(plain.Flops + 4 * 8 * 8 * 9 * 49 + 2 * 16 * 16 * 9 * 16, cost.Flops);
    }

    public static TheoryData<HierarchicalSpaceSettings, string> BadSettings => new()
    {
        { new() { Stages = 0, Channels = [], Pools = [], PoolPadding = [] }, "actornas.space.hierarchical.stages must be >= 1, got 0" },
        { new() { Vertices = 1 }, "actornas.space.hierarchical.vertices must be in 2..5" },
        { new() { Vertices = 6 }, "actornas.space.hierarchical.vertices must be in 2..5" },
        { new() { Kernel = 2 }, "actornas.space.hierarchical.kernel must be an odd number >= 1" },
        { new() { Channels = [4, 8] }, "actornas.space.hierarchical.channels needs one value per stage (3 stages), got 2" },
        { new() { Channels = [4, 0, 8] }, "actornas.space.hierarchical.channels stage 2 has 0 channels" },
        { new() { Pools = [4, 2] }, "actornas.space.hierarchical.pools needs one value per stage" },
        { new() { Pools = [4, 0, 2] }, "actornas.space.hierarchical.pools stage 2 has pool 0" },
        { new() { PoolPadding = [0, 2, 0] }, "actornas.space.hierarchical.pool-padding stage 2 has padding 2 for pool 2; padding must be in 0..1" },
        { new() { Pools = [4, 2, 8] }, "actornas.space.hierarchical.pools stage 3's pool 8 (padding 0) shrinks the 4x4 image below 1 pixel (sizes 28 -> 7 -> 4)" },
        { new() { Stages = 4, Channels = [4, 4, 4, 4], Pools = [4, 2, 2, 4], PoolPadding = [0, 1, 0, 0] }, "stage 4's pool 4 (padding 0) shrinks the 2x2 image below 1 pixel" },
        { new() { ImageSize = 0 }, "actornas.space.hierarchical.image-size must be >= 1, got 0" },
        { new() { InputChannels = 0 }, "actornas.space.hierarchical.input-channels must be >= 1" },
        { new() { Classes = 0 }, "actornas.space.hierarchical.classes must be >= 1" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Bad_settings_are_refused_naming_the_key(HierarchicalSpaceSettings settings, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => new SearchSpaceSpec(HierarchicalSpace.SpaceName, Hierarchical: settings).Create());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_are_the_cpu_sized_fade_setting()
    {
        var s = Space.Settings;
        Assert.Equal((3, 4, 3, true, 1, 28, 10), (s.Stages, s.Vertices, s.Kernel, s.Normalise, s.InputChannels, s.ImageSize, s.Classes));
        Assert.Equal([4, 8, 16], s.Channels);
        Assert.Equal([28, 7, 4, 2], s.Sizes());
        Assert.Equal(40, Space.ChoicesAt(0));
        Assert.Equal(64_000, Space.Size());
        Assert.Contains(HierarchicalSpace.SpaceName, SearchSpaces.BuiltIn);
        Assert.IsType<HierarchicalSpace>(new SearchSpaceSpec(HierarchicalSpace.SpaceName).Create());
    }

    [Fact]
    public void The_space_settings_survive_the_log()
    {
        var settings = new HierarchicalSpaceSettings
        {
            Stages = 2, Vertices = 3, Channels = [6, 12], Pools = [2, 2], PoolPadding = [1, 0], Kernel = 5, Normalise = false,
            InputChannels = 3, ImageSize = 32, Classes = 100,
        };
        var started = new SearchStarted(new SearchSettings { Space = new SearchSpaceSpec(HierarchicalSpace.SpaceName, Hierarchical: settings) },
            SimulatedSearch.Epoch);
        var back = (SearchStarted)EventSerializer.FromBytes(EventSerializer.ToBytes(started), EventSerializer.ManifestOf(started));
        Assert.Equal(started.Config.Space, back.Config.Space);
        var space = Assert.IsType<HierarchicalSpace>(back.Config.Space.Create());
        Assert.Equal([32, 17, 8], space.Settings.Sizes());
        // a log written before the hierarchical space existed has no such field
        Assert.DoesNotContain("hierarchical", System.Text.Encoding.UTF8.GetString(EventSerializer.ToBytes(
            new SearchStarted(new SearchSettings { Space = new SearchSpaceSpec(Nb201Space.SpaceName) }, SimulatedSearch.Epoch))));
    }

    [Fact]
    public void A_seeded_search_over_the_space_completes_the_same_way_twice_and_mutates_to_neighbours()
    {
        var config = new SearchSettings
        {
            Space = new SearchSpaceSpec(HierarchicalSpace.SpaceName), PopulationSize = 20, SampleSize = 5, Budget = 150, Seed = 9,
            Evaluator = "known",
        };
        var first = SimulatedSearch.Run(config, new KnownDurationEvaluator(Space), 3);
        var second = SimulatedSearch.Run(config, new KnownDurationEvaluator(Space), 3);
        Assert.True(first.State.IsCompleted);
        Assert.Equal(150, first.State.Evaluated);
        Assert.Equal(first.Events.Select(LogCodec.Wire), second.Events.Select(LogCodec.Wire));

        var children = first.Events.OfType<CandidateProposed>().Where(p => p.Mutation is not null).ToList();
        Assert.True(children.Count > 100, $"only {children.Count} mutated children");
        foreach (var child in children)
            Assert.Contains(child.Mutation!.To, Space.Catalogue.NeighboursOf(child.Mutation.From));
    }
}

public sealed class RegionTests
{
    private static readonly HierarchicalSpace Space = new();

    [Fact]
    public void A_region_holds_the_graphs_its_members_use_per_stage()
    {
        var members = new[] { new Genotype([1, 2, 3]), new Genotype([4, 2, 5]), new Genotype([1, 6, 3]) };
        var region = Region.Of(Space, members);
        Assert.Equal([1, 4], region.CandidatesAt(0));
        Assert.Equal([2, 6], region.CandidatesAt(1));
        Assert.Equal([3, 5], region.CandidatesAt(2));
        Assert.Equal(8, region.Size);
        Assert.Equal([1, 0, 1], region.ChoiceOf(new Genotype([4, 2, 5]))!);
        Assert.Null(region.ChoiceOf(new Genotype([0, 2, 5])));
        Assert.Equal(new Genotype([4, 6, 3]), region.GenotypeOf([1, 1, 0]));
    }

    [Fact]
    public void Bad_regions_are_refused()
    {
        Assert.Contains("one candidate set per stage (3), got 2", Assert.Throws<ArgumentException>(() => new Region(Space, [[1], [2]])).Message);
        Assert.Contains("stage 2's candidate set is empty", Assert.Throws<ArgumentException>(() => new Region(Space, [[1], [], [3]])).Message);
        Assert.Contains("stage 1's candidate set repeats a graph", Assert.Throws<ArgumentException>(() => new Region(Space, [[1, 1], [2], [3]])).Message);
        Assert.Contains("catalogue indices 0..39", Assert.Throws<ArgumentException>(() => new Region(Space, [[1], [40], [3]])).Message);
    }

    [Fact]
    public void A_members_score_is_the_mean_of_its_candidates_weights_and_ranks_sort_by_it()
    {
        var region = new Region(Space, [[1, 4], [2, 6], [3, 5]]);
        IReadOnlyList<IReadOnlyList<double>> weights = [[0.7, 0.3], [0.4, 0.6], [0.5, 0.5]];
        Assert.Equal((0.7 + 0.6 + 0.5) / 3, FadeRanks.Score(region, weights, new Genotype([1, 6, 3])), 12);
        var ranked = FadeRanks.Rank(region, weights, [new Genotype([4, 2, 3]), new Genotype([1, 6, 5]), new Genotype([1, 2, 3])]);
        Assert.Equal([new Genotype([1, 6, 5]), new Genotype([1, 2, 3]), new Genotype([4, 2, 3])], ranked.Select(r => r.Genotype));
        Assert.Throws<ArgumentException>(() => FadeRanks.Score(region, weights, new Genotype([0, 2, 3])));
        Assert.Throws<ArgumentException>(() => FadeRanks.Score(region, [[1.0], [0.5, 0.5], [0.5, 0.5]], new Genotype([1, 2, 3])));
    }
}
