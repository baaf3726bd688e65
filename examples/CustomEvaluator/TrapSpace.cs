using ActorNas.Core;
using ActorNas.Core.Spaces;

/// <summary>
/// The user's own search space: 20 bits in 4 blocks of 5, written "11111-00000-10110-01011". Blocks are independent
/// (a change in one block leaves the others' layers valid), which is what TransferablePrefixLength says.
/// </summary>
internal sealed class TrapSpace : ISearchSpace
{
    public const int Blocks = 4, BlockSize = 5;

    public string Name => "trap-4x5";
    public int Length => Blocks * BlockSize;
    public int ChoicesAt(int position) => 2;

    public string Format(Genotype genotype) =>
        string.Join('-', Enumerable.Range(0, Blocks).Select(b => string.Concat(genotype.Skip(b * BlockSize).Take(BlockSize))));

    public Genotype Parse(string text)
    {
        var bits = text.Replace("-", "", StringComparison.Ordinal);
        if (bits.Length != Length || bits.Any(c => c is not ('0' or '1')))
            throw new GenotypeFormatException($"\"{text}\" is not {Blocks} blocks of {BlockSize} bits such as 11111-00000-10110-01011");
        return new Genotype([.. bits.Select(c => c - '0')]);
    }

    public int TransferablePrefixLength(int changedPosition) => changedPosition / BlockSize * BlockSize;
}
