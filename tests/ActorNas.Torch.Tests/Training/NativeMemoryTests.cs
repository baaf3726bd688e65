using ActorNas.Core;
using ActorNas.Core.Spaces;
using ActorNas.Torch.Training;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ActorNas.Torch.Tests.Training;

[Collection(TrainingCollection.Name)]
public sealed class NativeMemoryTests(ITestOutputHelper output)
{
    private static long Settled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return TrainingTestKit.ResidentKilobytes() ?? 0;
    }

    [SkippableFact]
    public void Thirty_short_trainings_do_not_grow_the_process()
    {
        Skip.If(TrainingTestKit.ResidentKilobytes() is null, "/proc/self/status is not readable here: the resident set size (VmRSS) comes from it");
        set_num_threads(1);
        using var data = TrainingTestKit.Synthetic(100, 50);
        var sequential = TrainingTestKit.Sequential(2);
        var candidates = new (ISearchSpace Space, Genotype Genotype)[]
        {
            (sequential, sequential.Parse("dense:64:relu/zero|dense:32:tanh/skip:1")),
            (Nb201Space.Instance, new Genotype([3, 3, 1, 1, 2, 4])),
            (sequential, sequential.Parse("dense:48:relu/zero|identity/skip:2")),
        };
        var options = TrainingTestKit.Options(trainImages: 100, validationImages: 50, transfer: false);
        var live = DisposeScopeManager.Statistics;

        long afterTen = 0, liveAfterTen = 0;
        for (var i = 1; i <= 30; i++)
        {
            var (space, genotype) = candidates[i % candidates.Length];
            var liveBefore = live.ThreadTotalLiveCount;
            var outcome = Trainer.Train(space, genotype, data, options, store: null, seed: i, CPU, CancellationToken.None);
            Assert.Equal(2, outcome.Steps);
            // nothing native outlives a training that keeps nothing
            Assert.True(live.ThreadTotalLiveCount == liveBefore,
                $"training {i} left {live.ThreadTotalLiveCount - liveBefore} tensors alive on this thread");
            if (i == 10)
            {
                afterTen = Settled();
                liveAfterTen = live.ThreadTotalLiveCount;
            }
        }
        var afterThirty = Settled();
        output.WriteLine($"VmRSS after 10 trainings {afterTen / 1024.0:F1} MiB, after 30 {afterThirty / 1024.0:F1} MiB " +
                         $"({100.0 * (afterThirty - afterTen) / afterTen:+0.0;-0.0} %); live tensors on this thread {liveAfterTen} -> {live.ThreadTotalLiveCount}");
        Assert.True(afterThirty <= afterTen * 1.3, $"VmRSS grew from {afterTen} kB to {afterThirty} kB");
    }
}
