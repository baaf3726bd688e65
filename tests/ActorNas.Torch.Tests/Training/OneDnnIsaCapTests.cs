using ActorNas.Torch.Training;
using Xunit;

namespace ActorNas.Torch.Tests.Training;

public sealed class OneDnnIsaCapTests
{
    private static string CpuInfo(string vendor, int family) =>
        $"processor\t: 0\nvendor_id\t: {vendor}\ncpu family\t: {family}\nmodel\t\t: 2\nflags\t\t: fpu avx2 avx512f\n\n" +
        "processor\t: 1\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nflags\t\t: fpu\n";

    [Fact]
    public void Only_amd_family_26_is_capped()
    {
        Assert.True(OneDnnIsaCap.Needed(CpuInfo("AuthenticAMD", 26)));
        Assert.False(OneDnnIsaCap.Needed(CpuInfo("AuthenticAMD", 25)));
        Assert.False(OneDnnIsaCap.Needed(CpuInfo("GenuineIntel", 26)));
        Assert.False(OneDnnIsaCap.Needed(""));
    }

    [Fact]
    public void On_a_capped_cpu_libtorch_sees_the_cap_unless_the_user_set_one()
    {
        var needed = File.Exists("/proc/cpuinfo") && OneDnnIsaCap.Needed(File.ReadAllText("/proc/cpuinfo"));
        var variable = Environment.GetEnvironmentVariable(OneDnnIsaCap.Variable);
        if (needed && !OneDnnIsaCap.Applied) Assert.NotNull(variable);   // the user's own value wins
        if (OneDnnIsaCap.Applied) Assert.Equal(OneDnnIsaCap.Cap, variable);
        if (!needed) Assert.False(OneDnnIsaCap.Applied);
    }
}

public sealed class OneDnnSwitchTests
{
    [Fact]
    public void On_an_affected_cpu_oneDNN_is_off_once_a_network_is_built_unless_the_user_keeps_it()
    {
        using (var network = ActorNas.Torch.Models.Networks.Build(ActorNas.Core.Spaces.Nb201Space.Instance,
                   ActorNas.Core.Spaces.Nb201Space.Instance.Parse("|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|"),
                   new ActorNas.Torch.Models.InputShape(1, 28, 28, 10), new ActorNas.Torch.Models.NetworkSettings()))
        {
            Assert.NotNull(network);
        }
        var kept = string.Equals(Environment.GetEnvironmentVariable(OneDnnSwitch.Override), "on", StringComparison.OrdinalIgnoreCase);
        Assert.Equal(OneDnnIsaCap.OnAffectedCpu && !kept, OneDnnSwitch.Off);
    }
}
