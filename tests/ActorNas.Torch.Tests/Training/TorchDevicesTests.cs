using ActorNas.Torch.Evaluators;
using ActorNas.Torch.Training;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace ActorNas.Torch.Tests.Training;

[Collection(TrainingCollection.Name)]
public sealed class TorchDevicesTests(ITestOutputHelper output)
{
    private bool SkippedWithCuda()
    {
        if (!torch.cuda.is_available()) return false;
        output.WriteLine($"SKIPPED: TorchSharp sees {torch.cuda.device_count()} CUDA device(s); these tests cover a CPU-only build");
        return true;
    }

    [Fact]
    public void Auto_and_cpu_give_the_cpu_for_every_slot()
    {
        if (SkippedWithCuda()) return;
        foreach (var slot in new[] { 0, 1, 3, 7 })
        {
            Assert.Equal(DeviceType.CPU, TorchDevices.ForSlot("auto", slot).type);
            Assert.Equal(DeviceType.CPU, TorchDevices.ForSlot("cpu", slot).type);
        }
    }

    /// <summary>ArgumentException: the command reports it as bad input (exit code 2), like any other wrong setting.</summary>
    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:0")]
    [InlineData("cuda:1")]
    public void Cuda_without_cuda_is_an_error_that_says_how_to_fix_it(string setting)
    {
        if (SkippedWithCuda()) return;
        var e = Assert.Throws<ArgumentException>(() => TorchDevices.ForSlot(setting, 0));
        output.WriteLine(e.Message);
        Assert.Contains("CUDA", e.Message);
        Assert.Contains(setting, e.Message);
        Assert.Contains("device = auto or cpu", e.Message);
        Assert.Contains("README", e.Message);
    }

    [Fact]
    public void Workshop_prepare_stops_on_a_missing_gpu_as_bad_input()
    {
        if (SkippedWithCuda()) return;
        using var workshop = new TorchWorkshop(TrainingTestKit.Options() with { Device = "cuda:1" }, Environment.ProcessorCount);
        var e = Assert.Throws<ArgumentException>(workshop.Prepare);
        Assert.Contains("CUDA", e.Message);
    }
}
