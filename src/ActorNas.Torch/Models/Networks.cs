using ActorNas.Core;
using ActorNas.Core.Spaces;
using ActorNas.Core.Spaces.Hierarchical;

namespace ActorNas.Torch.Models;

/// <summary>Builds the network of a genotype, or describes its layers without allocating tensors.</summary>
public static class Networks
{
    /// <summary>
    /// The network of <paramref name="genotype"/> in <paramref name="space"/>, with TorchSharp's default initialisation
    /// (seed with <c>torch.manual_seed</c> first for reproducible weights). Its <see cref="SearchNetwork.Layers"/> equal
    /// <see cref="LayersOf"/>.
    /// </summary>
    public static SearchNetwork Build(ISearchSpace space, Genotype genotype, InputShape input, NetworkSettings options)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(options);
        return space switch
        {
            Nb201Space => new Nb201Network(genotype, input, options),
            SequentialSpace sequential => new SequentialNetwork(sequential, genotype, input, options.DenseUnitsCap),
            HierarchicalSpace hierarchical => new HierarchicalNetwork(hierarchical, genotype, input),
            _ => throw Unknown(space),
        };
    }

    /// <summary>The identified layers (identity, module prefix, trainable parameters) of the network, in forward order.</summary>
    public static IReadOnlyList<IdentifiedLayer> LayersOf(ISearchSpace space, Genotype genotype, InputShape input, NetworkSettings options)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(options);
        return space switch
        {
            Nb201Space => Nb201Network.Describe(genotype, input, options),
            SequentialSpace sequential => SequentialNetwork.Describe(sequential, genotype, input, options.DenseUnitsCap),
            HierarchicalSpace hierarchical => HierarchicalNetwork.Describe(hierarchical, genotype, input),
            _ => throw Unknown(space),
        };
    }

    /// <summary>Total trainable parameters of the network, from <see cref="LayersOf"/>.</summary>
    public static long ParametersOf(ISearchSpace space, Genotype genotype, InputShape input, NetworkSettings options) =>
        LayersOf(space, genotype, input, options).Sum(l => l.Parameters);

    private static ArgumentException Unknown(ISearchSpace space) =>
        new($"no network is defined for the search space \"{space.Name}\" ({space.GetType().Name}); " +
            $"known: {Nb201Space.SpaceName}, {SequentialSpace.SpaceName}, {HierarchicalSpace.SpaceName}", nameof(space));

    /// <summary>Length and value ranges, as <see cref="ArgumentException"/>s.</summary>
    internal static void CheckGenotype(ISearchSpace space, Genotype genotype)
    {
        ArgumentNullException.ThrowIfNull(genotype);
        if (genotype.Length != space.Length)
            throw new ArgumentException(
                $"a {space.Name} genotype has {space.Length} positions, {genotype} has {genotype.Length}", nameof(genotype));
        try
        {
            space.Validate(genotype);
        }
        catch (GenotypeFormatException e)
        {
            throw new ArgumentException($"genotype {genotype} does not fit the {space.Name} space: {e.Message}", nameof(genotype), e);
        }
    }
}
