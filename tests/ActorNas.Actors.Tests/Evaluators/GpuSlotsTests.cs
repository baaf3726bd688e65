using ActorNas.Actors.Evaluators.Command;
using Xunit;

namespace ActorNas.Actors.Tests.Evaluators;

public sealed class GpuSlotsTests
{
    [Fact]
    public void The_gpus_of_nvidia_smi_list_are_read_and_mig_devices_are_not_gpus()
    {
        const string output = """
            GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-5a1c3e0e-7c1b-2d6e-9f3a-0123456789ab)
            GPU 1: NVIDIA H100 80GB HBM3 (UUID: GPU-6b2d4f1f-8d2c-3e7f-0a4b-123456789abc)
              MIG 1g.10gb     Device  0: (UUID: MIG-0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f)
            GPU 3: Tesla T4 (UUID: GPU-7c3e5a2a-9e3d-4f8a-1b5c-23456789abcd)
            """;
        Assert.Equal([0, 1, 3], GpuSlots.ParseNvidiaSmiList(output));
        Assert.Empty(GpuSlots.ParseNvidiaSmiList(""));
        Assert.Empty(GpuSlots.ParseNvidiaSmiList("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."));
    }

    [Fact]
    public void Slots_get_one_gpu_each_round_robin_and_none_without_gpus()
    {
        int[] gpus = [0, 1, 3];
        Assert.Equal(["0", "1", "3", "0", "1"], Enumerable.Range(0, 5).Select(slot => GpuSlots.VisibleDevices(gpus, slot)));
        Assert.Equal("", GpuSlots.VisibleDevices([], 0));
        Assert.Equal("", GpuSlots.VisibleDevices([], 7));
    }
}
