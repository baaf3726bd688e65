using ActorNas.Core;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Spaces;
using ActorNas.Torch.Evaluators;
using ActorNas.Torch.Models;
using ActorNas.Torch.Training;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ActorNas.Torch.Tests.Training;

[Collection(TrainingCollection.Name)]
public sealed class NaswotTests
{
    private readonly ITestOutputHelper _output;

    public NaswotTests(ITestOutputHelper output)
    {
        _output = output;
        set_num_threads(1);
    }

    private static readonly NetworkSettings Tiny = new(4, 1);
    private static readonly Genotype Conv = new([3, 3, 3, 3, 3, 3]);
    private static readonly Genotype Collapsed = new([0, 0, 0, 0, 0, 0]);

    private static double Score(float[,] codes)
    {
        using var scope = NewDisposeScope();
        return Naswot.Score(tensor(codes));
    }

    [Fact]
    public void Score_of_a_small_code_matrix_equals_the_hand_computed_value()
    {
        // c1 = 1010, c2 = 1100, c3 = 0001; N_A = 4
        // Hamming: (1,2) = 2, (1,3) = 3, (2,3) = 3  =>  K_H = N_A - Hamming = [[4,2,1],[2,4,1],[1,1,4]]
        // det K_H = 4(16 - 1) - 2(8 - 1) + 1(2 - 4) = 60 - 14 - 2 = 44
        var codes = new float[,] { { 1, 0, 1, 0 }, { 1, 1, 0, 0 }, { 0, 0, 0, 1 } };
        Assert.Equal(Math.Log(44), Score(codes), 12);

        // two opposite codes: K_H = [[2,0],[0,2]], det 4
        Assert.Equal(Math.Log(4), Score(new float[,] { { 1, 1 }, { 0, 0 } }), 12);
        // one sample: K_H = [N_A]
        Assert.Equal(Math.Log(5), Score(new float[,] { { 1, 0, 0, 1, 1 } }), 12);
        // nor on the order of the samples or of the units (rows c3, c1, c2; columns reversed), nor on flipping every bit
        Assert.Equal(Math.Log(44), Score(new float[,] { { 1, 0, 0, 0 }, { 0, 1, 0, 1 }, { 0, 0, 1, 1 } }), 12);
        Assert.Equal(Math.Log(44), Score(new float[,] { { 0, 1, 0, 1 }, { 0, 0, 1, 1 }, { 1, 1, 1, 0 } }), 12);
        // another matrix: c3 = 0011 gives K_H = [[4,2,2],[2,4,0],[2,0,4]], det 4*16 - 2*8 + 2*(-8) = 32
        Assert.Equal(Math.Log(32), Score(new float[,] { { 1, 0, 1, 0 }, { 1, 1, 0, 0 }, { 0, 0, 1, 1 } }), 12);
    }

    [Fact]
    public void Identical_codes_make_a_singular_kernel_and_a_score_of_minus_infinity()
    {
        Assert.Equal(double.NegativeInfinity, Score(new float[,] { { 1, 0, 1, 0 }, { 1, 0, 1, 0 }, { 0, 1, 1, 1 } }));
        Assert.Equal(double.NegativeInfinity, Score(new float[,] { { 0, 0, 0 }, { 0, 0, 0 } }));
        Assert.Equal(double.NegativeInfinity, Score(new float[,] { { 1, 1, 1 }, { 1, 1, 1 }, { 1, 1, 1 } }));
    }

    [Fact]
    public void Network_score_is_finite_and_equals_the_score_of_its_recorded_codes()
    {
        using var scope = NewDisposeScope();
        using var data = TrainingTestKit.Synthetic(64, 10);
        var batch = data.Train.Images.narrow(0, 0, 32);
        using var network = Trainer.Build(Nb201Space.Instance, Conv, TrainingTestKit.Mnist, Tiny, seed: 3, CPU);

        var score = Naswot.Score(network, batch);
        _output.WriteLine($"NASWOT of {Nb201Space.Instance.Format(Conv)} (C=4, N=1) on 32 synthetic images: {score:F3}");
        Assert.True(double.IsFinite(score), $"score {score}");
        Assert.Null(network.ActivationRecorder);

        // the same network and batch through a recorder that keeps every pattern, then the code-matrix score
        var recorder = new ActivationRecorder();
        network.ActivationRecorder = recorder;
        network.train();
        using (no_grad()) network.forward(batch);
        network.ActivationRecorder = null;
        var codes = cat(recorder.Patterns, 1);
        Assert.Equal(32, codes.shape[0]);
        Assert.True(codes.shape[1] > 32, $"{codes.shape[1]} units");
        Assert.Equal(score, Naswot.Score(codes), 6);
        // a kernel of B x B: the score is at most log(N_A^B) (Hadamard's bound)
        Assert.True(score <= 32 * Math.Log(codes.shape[1]) + 1e-9);
        // scoring is repeatable
        Assert.Equal(score, Naswot.Score(network, batch));
    }

    [Fact]
    public void A_collapsed_cell_scores_below_a_convolution_cell()
    {
        using var scope = NewDisposeScope();
        using var data = TrainingTestKit.Synthetic(64, 10);
        var batch = data.Train.Images.narrow(0, 0, 32);
        using var conv = Trainer.Build(Nb201Space.Instance, Conv, TrainingTestKit.Mnist, Tiny, seed: 3, CPU);
        using var collapsed = Trainer.Build(Nb201Space.Instance, Collapsed, TrainingTestKit.Mnist, Tiny, seed: 3, CPU);
        var convScore = Naswot.Score(conv, batch);
        var collapsedScore = Naswot.Score(collapsed, batch);
        _output.WriteLine($"conv cell {convScore:F3}, collapsed cell {collapsedScore}");
        Assert.True(collapsedScore < convScore);
        // every path of the cell is none: its output is zero for every image, so every image has the same code
        Assert.Equal(double.NegativeInfinity, collapsedScore);
    }

    [Fact]
    public async Task Evaluator_scores_a_conv_cell_and_reports_a_collapsed_cell_as_a_failure()
    {
        var options = TrainingTestKit.Options(trainImages: 200, validationImages: 50);
        using var workshop = new TorchWorkshop(options, Environment.ProcessorCount);
        workshop.Prepare();                                   // as the command does (see the next test for why it matters here)
        var evaluator = TorchEvaluators.Factory(TorchEvaluators.Naswot, workshop)!(0);
        Assert.IsType<NaswotEvaluator>(evaluator);
        var context = TrainingTestKit.Context(Nb201Space.Instance, seed: 11);

        var result = await evaluator.EvaluateAsync(new Candidate(1, null, Conv, 1), context, CancellationToken.None);
        _output.WriteLine($"evaluator: conv cell objective {result.Objective:F3}");
        Assert.True(double.IsFinite(result.Objective));
        Assert.NotNull(result.Metrics);
        Assert.Equal(32, result.Metrics!["batchSize"]);
        Assert.Equal(Networks.ParametersOf(Nb201Space.Instance, Conv, TrainingTestKit.Mnist, Tiny), result.Metrics["parameters"]);
        Assert.Equal(0, result.TransferredLayers);
        // the same candidate in the same search scores the same
        var again = await evaluator.EvaluateAsync(new Candidate(1, null, Conv, 2), context, CancellationToken.None);
        Assert.Equal(result.Objective, again.Objective);

        var e = await Assert.ThrowsAsync<NaswotScoreException>(() =>
            evaluator.EvaluateAsync(new Candidate(42, 1, Collapsed, 1), context, CancellationToken.None));
        _output.WriteLine(e.Message);
        Assert.Contains("candidate 42", e.Message);
        Assert.Contains("singular", e.Message);
        Assert.Contains("none", e.Message);
    }

    [Fact]
    public async Task Workshop_data_outlives_the_first_evaluation_that_loads_it()
    {
        // without Prepare, the first evaluation loads the data lazily: the data must belong to the workshop, not to
        // the dispose scope of the evaluation that happened to load it
        using var workshop = new TorchWorkshop(TrainingTestKit.Options(trainImages: 200, validationImages: 50), Environment.ProcessorCount);
        var evaluator = new NaswotEvaluator(workshop, 0);
        var context = TrainingTestKit.Context(Nb201Space.Instance, seed: 11);
        var first = await evaluator.EvaluateAsync(new Candidate(1, null, Conv, 1), context, CancellationToken.None);
        var second = await evaluator.EvaluateAsync(new Candidate(1, null, Conv, 2), context, CancellationToken.None);
        Assert.Equal(first.Objective, second.Objective);
        Assert.Equal(200, workshop.Data.Train.Count);
    }

    [Fact]
    public async Task Evaluator_uses_a_larger_batch_than_there_are_images_as_all_images()
    {
        var options = TrainingTestKit.Options(trainImages: 20, validationImages: 10) with { NaswotBatchSize = 128 };
        using var workshop = new TorchWorkshop(options, Environment.ProcessorCount);
        var evaluator = new NaswotEvaluator(workshop, 0);
        var result = await evaluator.EvaluateAsync(new Candidate(3, null, Conv, 1), TrainingTestKit.Context(Nb201Space.Instance), CancellationToken.None);
        Assert.Equal(20, result.Metrics!["batchSize"]);
        Assert.True(double.IsFinite(result.Objective));
    }
}
