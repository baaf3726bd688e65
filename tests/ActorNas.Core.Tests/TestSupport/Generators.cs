using ActorNas.Core.Spaces;
using CsCheck;

namespace ActorNas.Core.Tests.TestSupport;

/// <summary>CsCheck generators for search spaces and their genotypes.</summary>
internal static class Generators
{
    /// <summary>Characters an activation name may use (':', '|' and '/' are reserved by the string form).</summary>
    private const string NameChars = "abcrelutanhxyz_-+~.019 ";

    public static readonly Gen<string> ActivationName =
        Gen.Char[NameChars].Array[1, 6].Select(chars => new string(chars)).Where(s => !string.IsNullOrWhiteSpace(s));

    /// <summary>Small sequential options: 1..6 layers, 1..4 distinct widths, 1..4 distinct activation names.</summary>
    public static readonly Gen<SequentialSpaceSettings> SequentialOptions =
        Gen.Select(
            Gen.Int[1, 6],
            Gen.Int[1, 512].ArrayUnique[1, 4],
            ActivationName.ArrayUnique[1, 4],
            (layers, units, activations) => new SequentialSpaceSettings { Layers = layers, Units = units, Activations = activations });

    /// <summary>NB201, the default sequential space, and random small sequential spaces.</summary>
    public static readonly Gen<ISearchSpace> Space = Gen.Frequency<ISearchSpace>(
        (1, Gen.Const<ISearchSpace>(Nb201Space.Instance)),
        (1, Gen.Const<ISearchSpace>(new SequentialSpace())),
        (2, SequentialOptions.Select(o => (ISearchSpace)new SequentialSpace(o))));

    /// <summary>A valid genotype of <paramref name="space"/> (values 0..ChoicesAt(i)-1).</summary>
    public static Gen<Genotype> GenotypeOf(ISearchSpace space) =>
        Gen.Int[0, 1 << 20].Array[space.Length]
            .Select(raw => new Genotype(raw.Select((v, i) => v % space.ChoicesAt(i))));

    /// <summary>A space together with one of its genotypes.</summary>
    public static readonly Gen<(ISearchSpace Space, Genotype Genotype)> SpaceAndGenotype =
        Space.SelectMany(space => GenotypeOf(space).Select(g => (space, g)));

    /// <summary>Every genotype of a small space, in lexicographic order.</summary>
    public static IEnumerable<Genotype> All(ISearchSpace space)
    {
        var values = new int[space.Length];
        while (true)
        {
            yield return new Genotype(values);
            var i = values.Length - 1;
            while (i >= 0 && ++values[i] == space.ChoicesAt(i)) values[i--] = 0;
            if (i < 0) yield break;
        }
    }
}
