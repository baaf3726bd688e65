using ActorNas.Core;
using ActorNas.Core.Spaces;
using ActorNas.Torch.Models;
using Xunit;
using static TorchSharp.torch;

namespace ActorNas.Torch.Tests.Models;

public sealed class NetworksTests
{
    private static readonly InputShape Cifar = new(3, 32, 32, 10);
    private static readonly NetworkSettings Tiny = new(4, 1);

    private sealed class OtherSpace : ISearchSpace
    {
        public string Name => "other";
        public int Length => 2;
        public int ChoicesAt(int position) => 2;
        public string Format(Genotype genotype) => genotype.ToString();
        public Genotype Parse(string text) => this.ParseSequence(text);
        public int TransferablePrefixLength(int changedPosition) => changedPosition;
    }

    [Fact]
    public void Dispatches_on_the_space()
    {
        using var nb201 = Networks.Build(Nb201Space.Instance, new Genotype([3, 1, 0, 2, 4, 3]), Cifar, Tiny);
        Assert.IsType<Nb201Network>(nb201);
        var sequential = new SequentialSpace(new SequentialSpaceSettings { Layers = 2 });
        using var seq = Networks.Build(sequential, sequential.Parse("dense:16:relu/skip:1|identity/skip:2"), Cifar, Tiny);
        Assert.IsType<SequentialNetwork>(seq);
    }

    [Fact]
    public void Unknown_spaces_and_misfit_genotypes_are_argument_errors()
    {
        var unknown = Assert.Throws<ArgumentException>(() => Networks.Build(new OtherSpace(), new Genotype([0, 1]), Cifar, Tiny));
        Assert.Contains("other", unknown.Message);
        Assert.Throws<ArgumentException>(() => Networks.LayersOf(new OtherSpace(), new Genotype([0, 1]), Cifar, Tiny));

        var length = Assert.Throws<ArgumentException>(() => Networks.Build(Nb201Space.Instance, new Genotype([1, 2, 3]), Cifar, Tiny));
        Assert.Contains("6 positions", length.Message);
        Assert.Throws<ArgumentException>(() => Networks.LayersOf(Nb201Space.Instance, new Genotype([1, 2, 3, 4, 0, 5]), Cifar, Tiny));
        var sequential = new SequentialSpace(new SequentialSpaceSettings { Layers = 2 });
        Assert.Throws<ArgumentException>(() => Networks.Build(sequential, new Genotype([1, 0, 1]), Cifar, Tiny));
        Assert.Throws<ArgumentException>(() => Networks.Build(sequential, new Genotype([1, 2, 1, 0]), Cifar, Tiny)); // layer 0 reaches only 1 back

        Assert.Throws<ArgumentException>(() => Networks.Build(Nb201Space.Instance, new Genotype([1, 2, 3, 4, 0, 1]), Cifar, new NetworkSettings(0, 1)));
        Assert.Throws<ArgumentException>(() => Networks.Build(Nb201Space.Instance, new Genotype([1, 2, 3, 4, 0, 1]), Cifar with { Classes = 0 }, Tiny));
    }
}

[CollectionDefinition(nameof(GlobalRandomCollection), DisableParallelization = true)]
public sealed class GlobalRandomCollection;

/// <summary>Uses torch's global generator, so it runs alone.</summary>
[Collection(nameof(GlobalRandomCollection))]
public sealed class NetworkSeedingTests
{
    private static Dictionary<string, Tensor> Weights(ISearchSpace space, Genotype genotype, InputShape input, NetworkSettings options, long seed)
    {
        manual_seed(seed);
        using var network = Networks.Build(space, genotype, input, options);
        return network.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
    }

    [Fact]
    public void The_same_seed_gives_bit_identical_weights()
    {
        var sequential = new SequentialSpace(new SequentialSpaceSettings { Layers = 3, Units = [8, 16] });
        var cases = new (ISearchSpace Space, Genotype Genotype, InputShape Input)[]
        {
            (Nb201Space.Instance, new Genotype([3, 2, 4, 1, 3, 2]), new InputShape(3, 32, 32, 10)),
            (sequential, sequential.Parse("dense:8:relu/skip:1|dense:16:tanh/skip:2|identity/skip:3"), new InputShape(1, 4, 4, 3)),
        };
        foreach (var (space, genotype, input) in cases)
        {
            using var scope = NewDisposeScope();
            var options = new NetworkSettings(4, 2);
            var a = Weights(space, genotype, input, options, 1234);
            var b = Weights(space, genotype, input, options, 1234);
            var c = Weights(space, genotype, input, options, 4321);
            Assert.Equal(a.Keys, b.Keys);
            foreach (var (name, tensor) in a)
                Assert.True(ModelTestKit.Same(tensor, b[name]), $"{space.Name} {name} differs under the same seed");
            Assert.Contains(a, p => p.Value.dtype == ScalarType.Float32 && !ModelTestKit.Same(p.Value, c[p.Key]));
        }
    }
}
