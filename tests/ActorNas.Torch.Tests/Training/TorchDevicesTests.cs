using ActorNas.Core.Spaces;
using ActorNas.Torch.Evaluators;
using ActorNas.Torch.Training;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace ActorNas.Torch.Tests.Training;

/// <summary>
/// Which device a slot trains on. Some assertions hold only without CUDA (auto falls back to the cpu, cuda is an
/// error), others only with it: each skips, saying why, on the other kind of machine. Every reason starts with
/// <see cref="Gpu.NeedsGpu"/> or <see cref="Gpu.NeedsNoGpu"/> so CI can tell hardware skips from missing setup.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class TorchDevicesTests(ITestOutputHelper output)
{
    private static bool Cuda => torch.cuda.is_available();

    // device_count() only where CUDA is there. On this AMD family-26 machine, calling it on the CPU build made later NB201
    // trainings in the same process give NaN now and then (3 of 6 full runs of this project; 0 of 5 without the calls).
    private static int CudaDevices => Cuda ? torch.cuda.device_count() : 0;

    private static void SkipWithCuda() =>
        Skip.If(Cuda, $"{Gpu.NeedsNoGpu} TorchSharp sees {CudaDevices} CUDA device(s); the GPU tests of this class run instead");

    private static void SkipWithoutCuda() =>
        Skip.IfNot(Cuda, $"{Gpu.NeedsGpu} TorchSharp sees no CUDA device (this build uses the CPU libtorch unless built with a CUDA TorchSharp package)");

    // ------------------------------------------------------------------ any machine

    [Fact]
    public void Cpu_gives_the_cpu_for_every_slot()
    {
        foreach (var slot in new[] { 0, 1, 3, 7 })
            Assert.Equal(DeviceType.CPU, TorchDevices.ForSlot("cpu", slot).type);
    }

    /// <summary>ArgumentException: the command reports it as bad input (exit code 2), like any other wrong setting.</summary>
    [Fact]
    public void A_cuda_device_past_the_last_one_is_an_error_naming_the_setting()
    {
        var setting = $"cuda:{CudaDevices}";
        var e = Assert.Throws<ArgumentException>(() => TorchDevices.ForSlot(setting, 0));
        output.WriteLine(e.Message);
        Assert.Contains("CUDA", e.Message);
        Assert.Contains(setting, e.Message);
    }

    [Fact]
    public void Workshop_prepare_stops_on_a_missing_gpu_as_bad_input()
    {
        var missing = $"cuda:{CudaDevices}";
        using var workshop = new TorchWorkshop(TrainingTestKit.Options() with { Device = missing }, Environment.ProcessorCount);
        var e = Assert.Throws<ArgumentException>(workshop.Prepare);
        Assert.Contains("CUDA", e.Message);
    }

    // ------------------------------------------------------------------ without CUDA

    [SkippableFact]
    public void Without_cuda_auto_gives_the_cpu_for_every_slot()
    {
        SkipWithCuda();
        foreach (var slot in new[] { 0, 1, 3, 7 })
            Assert.Equal(DeviceType.CPU, TorchDevices.ForSlot("auto", slot).type);
    }

    [SkippableTheory]
    [InlineData("cuda")]
    [InlineData("cuda:0")]
    [InlineData("cuda:1")]
    public void Cuda_without_cuda_is_an_error_that_says_how_to_fix_it(string setting)
    {
        SkipWithCuda();
        var e = Assert.Throws<ArgumentException>(() => TorchDevices.ForSlot(setting, 0));
        output.WriteLine(e.Message);
        Assert.Contains("CUDA", e.Message);
        Assert.Contains(setting, e.Message);
        Assert.Contains("device = auto or cpu", e.Message);
        Assert.Contains("README", e.Message);
    }

    // ------------------------------------------------------------------ with CUDA

    [SkippableFact]
    public void With_cuda_auto_gives_slot_k_the_device_k_modulo_the_count()
    {
        SkipWithoutCuda();
        var count = CudaDevices;
        foreach (var slot in Enumerable.Range(0, 2 * count + 1))
        {
            var device = TorchDevices.ForSlot("auto", slot);
            Assert.Equal(DeviceType.CUDA, device.type);
            Assert.Equal(slot % count, device.index);
        }
        var first = TorchDevices.ForSlot("cuda", 5);
        Assert.Equal((DeviceType.CUDA, 0), (first.type, first.index));
        var named = TorchDevices.ForSlot($"cuda:{count - 1}", 0);
        Assert.Equal((DeviceType.CUDA, count - 1), (named.type, named.index));
    }

    /// <summary>The same short training on the GPU and on the CPU: both learn, with the same steps and parameters.</summary>
    [SkippableFact]
    public void With_cuda_a_short_training_runs_on_the_gpu_and_learns_like_on_the_cpu()
    {
        SkipWithoutCuda();
        using var data = TrainingTestKit.Synthetic(500, 200);
        var space = TrainingTestKit.Sequential(2);
        var genotype = space.Parse("dense:64:relu/zero|dense:32:tanh/skip:1");
        var options = TrainingTestKit.Options(transfer: false) with { Epochs = 3 };

        var cpu = Trainer.Train(space, genotype, data, options, store: null, seed: 1, torch.CPU, CancellationToken.None);
        var gpu = Trainer.Train(space, genotype, data, options with { Device = "cuda" }, store: null, seed: 1,
            TorchDevices.ForSlot("cuda", 0), CancellationToken.None);
        output.WriteLine($"cpu {cpu.ValidationAccuracy:P1} loss {cpu.FinalLoss:F3}; gpu {gpu.ValidationAccuracy:P1} loss {gpu.FinalLoss:F3}");

        Assert.Equal(cpu.Steps, gpu.Steps);
        Assert.Equal(cpu.Parameters, gpu.Parameters);
        Assert.True(double.IsFinite(gpu.FinalLoss), $"gpu final loss {gpu.FinalLoss}");
        Assert.True(gpu.ValidationAccuracy > 0.2, $"gpu accuracy {gpu.ValidationAccuracy:P1} (chance 10 %)");
        Assert.Equal(cpu.ValidationAccuracy, gpu.ValidationAccuracy, 0.1);   // kernels differ in rounding, not in what they learn
    }
}

/// <summary>The reason prefixes of skips that depend on the machine's GPU (.ci/run allows these and no others).</summary>
internal static class Gpu
{
    public const string NeedsGpu = "needs a CUDA GPU:";
    public const string NeedsNoGpu = "needs a machine without a CUDA GPU:";
}
