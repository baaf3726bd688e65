using ActorNas.Actors.Mutators;
using ActorNas.Actors.Protocol;
using ActorNas.Core;
using ActorNas.Core.Evolution;
using ActorNas.Core.Growth;
using ActorNas.Core.Spaces;
using ActorNas.Core.Spaces.SpiderNet;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNas.Actors.Tests;

/// <summary>
/// A Mutator grows a spidernet parent with the grower it was given, for the growth seed of the candidate; a Mutator
/// without one (a node without ActorNas.Torch) answers that it failed, naming why, so the Population falls back to
/// training the network as it is instead of recording an ungrown child as a growth.
/// </summary>
public sealed class SpiderNetMutatorTests : TestKit
{
    private static readonly SpiderNetSpace Space = new(new SpiderNetSpaceSettings(ReductionCells: 1, InitialChannels: 4));

    private static readonly SearchSettings Config = new SearchSettings
    {
        Space = new SearchSpaceSpec(SpiderNetSpace.SpaceName, SpiderNet: Space.Settings),
        Seed = 5,
        Growth = new GrowthSpec(GrowthRule.Random),
    }.WithOneNetwork();

    private static Genotype SplitFirstEdges(Genotype parent) =>
        Space.Encode([.. Space.Decode(parent).Select(c => c.Edges.Count == 0 ? c : c.Split(c.Edges.First().Key.From, c.Edges.First().Key.To))]);

    [Fact]
    public void A_mutator_with_a_grower_answers_the_growth_for_the_candidates_seed()
    {
        var seeds = new List<long>();
        var mutator = Sys.ActorOf(MutatorActor.Props(Config, grower: (parent, seed) =>
        {
            lock (seeds) seeds.Add(seed);
            return SplitFirstEdges(parent);
        }));
        mutator.Tell(new MutateParent(9, Space.Origin), TestActor);
        var grown = ExpectMsg<Mutated>();
        Assert.Equal(9, grown.CandidateId);
        Assert.Equal(SplitFirstEdges(Space.Origin), grown.Child);
        Assert.Null(grown.Mutation);
        lock (seeds) Assert.Equal([ChildProposer.GrowthSeed(Config, 9)], seeds);
    }

    [Fact]
    public void A_mutator_without_a_grower_answers_that_it_failed_and_says_why()
    {
        var mutator = Sys.ActorOf(MutatorActor.Props(Config));
        mutator.Tell(new MutateParent(4, Space.Origin), TestActor);
        var failed = ExpectMsg<MutationFailed>();
        Assert.Equal(4, failed.CandidateId);
        Assert.Contains("grower", failed.Reason, StringComparison.Ordinal);
    }
}
