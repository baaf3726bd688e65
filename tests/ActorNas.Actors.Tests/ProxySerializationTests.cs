using System.Text;
using ActorNas.Actors.Protocol;
using ActorNas.Actors.Serialization;
using ActorNas.Core;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using Akka.Serialization;
using Xunit;
using Xunit.Abstractions;

namespace ActorNas.Actors.Tests;

/// <summary>
/// With screening on, the Population sends the fitted proxy to a Mutator inside <see cref="MutateParent"/>; between
/// nodes it goes through the ActorNas serializer and must come back with the very same weights (the Mutator's pick, and
/// so the search, depends on them bit for bit).
/// </summary>
public sealed class ProxySerializationTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    private static readonly Genotype Parent = new([3, 1, 0, 4, 2, 2]);

    private SerializerWithStringManifest Serializer(object message) =>
        Assert.IsType<ActorNasSerializer>(Sys.Serialization.FindSerializerFor(message));

    private MutateParent RoundTrip(MutateParent message)
    {
        var serializer = Serializer(message);
        var bytes = serializer.ToBinary(message);
        var manifest = serializer.Manifest(message);
        Assert.Equal("mutate-parent.v1", manifest);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.DoesNotContain("$type", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ActorNas.", text, StringComparison.Ordinal);
        var back = Assert.IsType<MutateParent>(serializer.FromBinary(bytes, manifest));
        Assert.Equal(bytes, serializer.ToBinary(back));
        return back;
    }

    [Fact]
    public void A_fitted_surrogate_round_trips_with_every_weight_bit_for_bit()
    {
        var space = Nb201Space.Instance;
        var random = new Random(17);
        var population = Enumerable.Range(0, 25)
            .Select(i => new Member(i, new Genotype(Enumerable.Range(0, 6).Select(_ => random.Next(5))), 50 + 40 * random.NextDouble()))
            .ToList();
        var proxy = ProxyModel.For(new Screening(4, ProxyKind.Surrogate), space, population);
        Assert.NotNull(proxy);
        Assert.Equal(ProxyKind.Surrogate, proxy.Kind);
        Assert.Equal(SurrogateFit.FeatureCount(space), proxy.Weights.Count);

        var back = RoundTrip(new MutateParent(41, Parent, proxy));

        Assert.Equal(41, back.CandidateId);
        Assert.Equal(Parent, back.Parent);
        Assert.NotNull(back.Proxy);
        Assert.Equal(ProxyKind.Surrogate, back.Proxy.Kind);
        Assert.Equal(proxy.Weights.Select(BitConverter.DoubleToInt64Bits), back.Proxy.Weights.Select(BitConverter.DoubleToInt64Bits));
        // and so the Mutator ranks the mutants exactly as the Population's own proxy would
        foreach (var member in population)
            Assert.Equal(proxy.Score(space, member.Genotype), back.Proxy.Score(space, member.Genotype));
        var config = new SearchSettings { Space = new SearchSpaceSpec(Nb201Space.SpaceName), Seed = 5, Screening = new Screening(4, ProxyKind.Surrogate) };
        (Genotype, Mutation?) ChildWith(ProxyModel? model) =>
            ChildProposer.ChildOf(config, space, 41, Parent, model) is var child ? (child.Child, child.Mutation) : default;
        Assert.Equal(ChildWith(proxy), ChildWith(back.Proxy));
    }

    [Fact]
    public void Awkward_weights_survive_too()
    {
        double[] weights = [0.0, -0.0, 1e-300, -1e300, double.Epsilon, 0.1 + 0.2, Math.PI, -1.0 / 3, 123456789.123456789];
        var back = RoundTrip(new MutateParent(1, Parent, new ProxyModel(ProxyKind.Surrogate, weights)));
        Assert.Equal(weights.Select(BitConverter.DoubleToInt64Bits), back.Proxy!.Weights.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void The_flops_proxy_and_no_proxy_round_trip()
    {
        var flops = RoundTrip(new MutateParent(2, Parent, new ProxyModel(ProxyKind.Flops, [])));
        Assert.Equal(ProxyKind.Flops, flops.Proxy!.Kind);
        Assert.Empty(flops.Proxy.Weights);
        Assert.Equal(new ProxyModel(ProxyKind.Flops, []).Score(Nb201Space.Instance, Parent), flops.Proxy.Score(Nb201Space.Instance, Parent));

        var none = RoundTrip(new MutateParent(3, Parent));
        Assert.Null(none.Proxy);
        Assert.Equal(Parent, none.Parent);
    }

    [Fact]
    public void A_MutateParent_from_before_screening_without_a_proxy_field_still_reads()
    {
        var serializer = Serializer(new MutateParent(0, Parent));
        var back = Assert.IsType<MutateParent>(serializer.FromBinary("""{"candidateId":7,"parent":[3,1,0,4,2,2]}"""u8.ToArray(), "mutate-parent.v1"));
        Assert.Equal(7, back.CandidateId);
        Assert.Equal(Parent, back.Parent);
        Assert.Null(back.Proxy);
    }
}
