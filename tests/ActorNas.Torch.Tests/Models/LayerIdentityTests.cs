using ActorNas.Torch.Models;
using Xunit;

namespace ActorNas.Torch.Tests.Models;

public sealed class LayerIdentityTests
{
    [Fact]
    public void Is_sixteen_lowercase_hex_digits()
    {
        var id = LayerIdentity.Of("stem", [3, 16]);
        Assert.Equal(16, id.Length);
        Assert.All(id, ch => Assert.True(ch is >= '0' and <= '9' or >= 'a' and <= 'f', $"'{ch}' in {id}"));
    }

    [Fact]
    public void Is_the_same_in_every_process()
    {
        // Golden values: a change here changes every identity ever logged or cached.
        Assert.Equal("689b382569879817", LayerIdentity.Of("stem", [3, 16]));
        Assert.Equal("a49fe5a5e083505e", LayerIdentity.Of("dense", [784L, 64, "relu"], LayerIdentity.Of("input", [1, 28, 28])));
    }

    [Fact]
    public void Depends_on_kind_configuration_and_inputs_in_order()
    {
        var a = LayerIdentity.Of("input", [1]);
        var b = LayerIdentity.Of("input", [2]);
        var ids = new[]
        {
            LayerIdentity.Of("node", a, b),
            LayerIdentity.Of("node", b, a),
            LayerIdentity.Of("node", a),
            LayerIdentity.Of("node", a, a),
            LayerIdentity.Of("skip", a, b),
            LayerIdentity.Of("node", [1], a, b),
            LayerIdentity.Of("node", [1, 2]),
            LayerIdentity.Of("node", [2, 1]),
            LayerIdentity.Of("node", [12]),
            LayerIdentity.Of("node", ["1", "2"]),
            LayerIdentity.Of("node", ["12"]),
            LayerIdentity.Of("node", [a], b),
            LayerIdentity.Of("node"),
            LayerIdentity.Of("nod", [101]), // "nod" + 'e'(101) must not collide with "node"
            LayerIdentity.Of("", ["node"]),
        };
        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    [Fact]
    public void Integers_hash_alike_in_every_overload_strings_do_not()
    {
        var asInt = LayerIdentity.Of("conv", [16, 3], "x");
        Assert.Equal(asInt, LayerIdentity.Of("conv", [16L, 3L], "x"));
        Assert.Equal(asInt, LayerIdentity.Of("conv", new object[] { 16, 3L }, "x"));
        Assert.NotEqual(asInt, LayerIdentity.Of("conv", ["16", "3"], "x"));
        Assert.Equal(LayerIdentity.Of("conv", ["relu"], "x"), LayerIdentity.Of("conv", new object[] { "relu" }, "x"));
        // without configuration, the inputs follow the kind directly
        Assert.Equal(LayerIdentity.Of("skip", Array.Empty<long>(), "x"), LayerIdentity.Of("skip", "x"));
        Assert.Equal(LayerIdentity.Of("skip", Array.Empty<string>(), "x"), LayerIdentity.Of("skip", new[] { "x" }));
        Assert.Throws<ArgumentException>(() => LayerIdentity.Of("conv", new object[] { 1.5 }));
    }

    [Fact]
    public void Is_deterministic_within_a_process()
    {
        Assert.Equal(LayerIdentity.Of("proj", [784, 64, 2], "abc"), LayerIdentity.Of("proj", [784, 64, 2], "abc"));
    }
}
