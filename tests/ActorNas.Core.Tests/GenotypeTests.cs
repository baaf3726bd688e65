using Xunit;

namespace ActorNas.Core.Tests;

public sealed class GenotypeTests
{
    [Fact]
    public void Genotypes_compare_and_hash_by_value()
    {
        var a = new Genotype([3, 0, 4, 1]);
        var b = new Genotype(new List<int> { 3, 0, 4, 1 });
        Assert.Equal(a, b);
        Assert.True(a.Equals((object)b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, new Genotype([3, 0, 4, 2]));
        Assert.NotEqual(a, new Genotype([3, 0, 4]));
        Assert.NotEqual(a, new Genotype([3, 0, 4, 1, 0]));
        Assert.False(a.Equals(null));
        Assert.Single(new HashSet<Genotype> { a, b });
    }

    [Fact]
    public void With_copies_and_leaves_the_original_alone()
    {
        var a = new Genotype([3, 0, 4, 1]);
        var b = a.With(2, 1);
        Assert.Equal(new[] { 3, 0, 4, 1 }, a.ToArray());
        Assert.Equal(new[] { 3, 0, 1, 1 }, b.ToArray());
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void The_values_cannot_be_changed_from_outside()
    {
        var source = new[] { 1, 2, 3 };
        var g = new Genotype(source);
        source[0] = 9;
        var copy = g.ToArray();
        copy[1] = 9;
        Assert.Equal(new[] { 1, 2, 3 }, g);
        Assert.Equal(3, g.Length);
        Assert.Equal(3, g.Count);
        Assert.Equal(2, g[1]);
    }

    [Fact]
    public void The_string_form_is_comma_separated_integers()
    {
        Assert.Equal("3,0,4,1,1,2", new Genotype([3, 0, 4, 1, 1, 2]).ToString());
        Assert.Equal("7", new Genotype([7]).ToString());
    }
}
