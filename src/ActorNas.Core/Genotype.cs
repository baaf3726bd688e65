using System.Collections;

namespace ActorNas.Core;

/// <summary>
/// An architecture as an integer sequence: value k at position i is the k-th choice the search space offers there.
/// Space-agnostic code works on this; the <see cref="Spaces.ISearchSpace"/> gives it meaning.
/// Value equality, so genotypes can key dictionaries.
/// </summary>
public sealed class Genotype : IEquatable<Genotype>, IReadOnlyList<int>
{
    private readonly int[] _values;
    private readonly int _hash;

    public Genotype(IEnumerable<int> values)
    {
        _values = values.ToArray();
        var h = new HashCode();
        foreach (var v in _values) h.Add(v);
        _hash = h.ToHashCode();
    }

    public int Length => _values.Length;
    public int Count => _values.Length;
    public int this[int position] => _values[position];

    /// <summary>A copy with one position changed.</summary>
    public Genotype With(int position, int value)
    {
        var copy = (int[])_values.Clone();
        copy[position] = value;
        return new Genotype(copy);
    }

    public int[] ToArray() => (int[])_values.Clone();

    public bool Equals(Genotype? other) =>
        other is not null && _hash == other._hash && _values.AsSpan().SequenceEqual(other._values);

    public override bool Equals(object? obj) => Equals(obj as Genotype);
    public override int GetHashCode() => _hash;

    /// <summary>The space-agnostic form, e.g. "3,0,4,1,1,2".</summary>
    public override string ToString() => string.Join(',', _values);

    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)_values).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => _values.GetEnumerator();
}
