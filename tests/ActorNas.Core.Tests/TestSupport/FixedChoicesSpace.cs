using ActorNas.Core.Spaces;

namespace ActorNas.Core.Tests.TestSupport;

/// <summary>A minimal space with given choice counts per position (the integer form is its string form).</summary>
internal sealed class FixedChoicesSpace(params int[] choices) : ISearchSpace
{
    public string Name => "fixed";
    public int Length => choices.Length;
    public int ChoicesAt(int position) => choices[position];
    public string Format(Genotype genotype) => genotype.ToString();
    public Genotype Parse(string text) => this.ParseSequence(text);
    public int TransferablePrefixLength(int changedPosition) => changedPosition;
}
