using ActorNas.Core;
using ActorNas.Core.Spaces;
using ActorNas.Torch.Models;
using ActorNas.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ActorNas.Torch.Tests.Training;

/// <summary>
/// SpiderNet's train-free metrics against answers worked out by hand: the NTK condition number of a linear layer (its
/// per-sample gradient is the input itself, so Theta = X X^T) and the linear-region count of a one-input ReLU layer
/// with known breakpoints; then both on real NB201 networks, where a cell that is all none has an answer known too.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class TrainFreeMetricsTests
{
    private readonly ITestOutputHelper _output;

    public TrainFreeMetricsTests(ITestOutputHelper output)
    {
        _output = output;
        set_num_threads(1);
    }

    // x1 = (1,0,0), x2 = (1,1,0), x3 = (0,0,2): Theta = X X^T = [[1,1,0],[1,2,0],[0,0,4]]
    private static readonly float[,] Inputs = { { 1, 0, 0 }, { 1, 1, 0 }, { 0, 0, 2 } };

    /// <summary>
    /// The eigenvalues of [[1,1],[1,2]] are (3 -+ sqrt 5) / 2 and the third is 4, so kappa = 4 / ((3 - sqrt 5) / 2)
    /// = 2 (3 + sqrt 5) = 6 + 2 sqrt 5 (about 10.47).
    /// </summary>
    private static readonly double HandKappa = 6 + 2 * Math.Sqrt(5);

    private static Linear LinearLayer(int outputs, bool bias)
    {
        manual_seed(5);
        return nn.Linear(3, outputs, hasBias: bias);
    }

    [Fact]
    public void Ntk_of_a_bias_free_linear_layer_is_X_XT_and_its_condition_number_the_hand_computed_one()
    {
        using var scope = NewDisposeScope();
        using var layer = LinearLayer(1, bias: false);
        var x = tensor(Inputs);

        var theta = NtkConditionNumber.Kernel(layer, x);
        double[,] expected = { { 1, 1, 0 }, { 1, 2, 0 }, { 0, 0, 4 } };
        for (var i = 0; i < 3; i++)
        for (var j = 0; j < 3; j++)
            Assert.Equal(expected[i, j], theta[i, j].item<double>(), 12);
        Assert.Equal(HandKappa, NtkConditionNumber.Of(layer, x), 9);
        // the weights' values do not enter: the gradient of w.x with respect to w is x
        using (no_grad()) layer.weight!.mul_(-7);
        Assert.Equal(HandKappa, NtkConditionNumber.Of(layer, x), 9);
    }

    [Fact]
    public void Ntk_sums_the_logits_and_leaves_biases_out()
    {
        using var scope = NewDisposeScope();
        var x = tensor(Inputs);
        // two outputs: d(y1 + y2)/dW = [x; x], so Theta = 2 X X^T and kappa is unchanged
        using var two = LinearLayer(2, bias: false);
        Assert.Equal(8, NtkConditionNumber.Kernel(two, x)[2, 2].item<double>(), 12);
        Assert.Equal(2, NtkConditionNumber.Kernel(two, x)[0, 1].item<double>(), 12);
        Assert.Equal(HandKappa, NtkConditionNumber.Of(two, x), 9);
        // a bias would add 1 to every entry (X X^T + 1 1^T) and change kappa; it is not a weight tensor
        using var biased = LinearLayer(1, bias: true);
        Assert.Equal(0, NtkConditionNumber.Kernel(biased, x)[0, 2].item<double>(), 12);
        Assert.Equal(HandKappa, NtkConditionNumber.Of(biased, x), 9);
    }

    [Fact]
    public void A_singular_kernel_has_an_infinite_condition_number_and_an_all_zero_one_the_authors_fallback()
    {
        using var scope = NewDisposeScope();
        using var layer = LinearLayer(1, bias: false);
        // x3 = x1: two equal rows, Theta has rank 2 of 3; in floating point lambda_min is about 0, maybe below
        var repeated = tensor(new float[,] { { 1, 0, 0 }, { 1, 1, 0 }, { 1, 0, 0 } });
        Assert.Equal(double.PositiveInfinity, NtkConditionNumber.Of(layer, repeated));
        // three inputs in a plane of R^3 are linearly dependent too: (1,1,0) = (1,0,0) + (0,1,0)
        var dependent = tensor(new float[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 1, 1, 0 } });
        Assert.Equal(double.PositiveInfinity, NtkConditionNumber.Of(layer, dependent));
        // zero inputs: Theta = 0, kappa = 0/0, and the authors' 1e5
        Assert.Equal(NtkConditionNumber.Undefined, NtkConditionNumber.Of(layer, zeros(3, 3)));
        Assert.Equal(1e5, NtkConditionNumber.Undefined);
        // a well-conditioned kernel straight from its eigenvalues: diag(2, 8) has kappa 4
        Assert.Equal(4, NtkConditionNumber.FromKernel(tensor(new double[,] { { 2, 0 }, { 0, 8 } })), 12);
        // rounding that makes lambda_min negative must not give a negative kappa (which would rank best)
        Assert.Equal(double.PositiveInfinity, NtkConditionNumber.FromKernel(tensor(new double[,] { { 1, 0 }, { 0, -1e-18 } })));
    }

    [Fact]
    public void Kappa_orthogonal_to_the_ones_ignores_the_direction_a_batch_norm_before_the_head_annihilates()
    {
        // the Laplacian of a triangle: Theta·1 = 0, eigenvalues 0, 3, 3; plain kappa is infinite, on 1-perp it is 1
        var laplacian = tensor(new double[,] { { 2, -1, -1 }, { -1, 2, -1 }, { -1, -1, 2 } });
        Assert.Equal(double.PositiveInfinity, NtkConditionNumber.FromKernel(laplacian));
        Assert.Equal(1, NtkConditionNumber.FromKernel(laplacian, orthogonalToOnes: true), 12);
        // diag(1, 2, 3) compressed to 1-perp (basis (1,-1,0)/sqrt 2, (1,1,-2)/sqrt 6) is [[1.5, -1/sqrt 12], [-1/sqrt 12, 2.5]],
        // with eigenvalues 2 -+ 1/sqrt 3
        var expected = (2 + 1 / Math.Sqrt(3)) / (2 - 1 / Math.Sqrt(3));
        Assert.Equal(expected, NtkConditionNumber.FromKernel(tensor(new double[,] { { 1, 0, 0 }, { 0, 2, 0 }, { 0, 0, 3 } }), orthogonalToOnes: true), 12);
        Assert.Throws<ArgumentException>(() => NtkConditionNumber.FromKernel(tensor(new double[,] { { 1, 0 }, { 0, 1 } }), orthogonalToOnes: true));
    }

    /// <summary>
    /// One input, two ReLU units h1 = relu(x - 1) and h2 = relu(x - 3): the line falls into three linear pieces,
    /// x &lt;= 1 (off, off), 1 &lt; x &lt;= 3 (on, off) and x &gt; 3 (on, on).
    /// </summary>
    private sealed class TwoBreakpoints : SearchNetwork
    {
        private readonly Linear _hidden = nn.Linear(1, 2);
        private readonly Linear _out = nn.Linear(2, 1);

        public TwoBreakpoints(double first, double second) : base(nameof(TwoBreakpoints))
        {
            using (no_grad())
            {
                _hidden.weight!.copy_(tensor(new float[,] { { 1 }, { 1 } }));
                _hidden.bias!.copy_(tensor(new[] { (float)-first, (float)-second }));
            }
            RegisterComponents();
        }

        public override IReadOnlyList<IdentifiedLayer> Layers => [];

        public override Tensor forward(Tensor x)
        {
            var h = nn.functional.relu(_hidden.forward(x));
            ActivationRecorder?.Add(h.gt(0).to_type(ScalarType.Float32));
            return _out.forward(h);
        }
    }

    private static Tensor Column(params float[] xs) => tensor(xs).reshape(xs.Length, 1);

    [Fact]
    public void Region_count_of_a_relu_layer_with_two_breakpoints_is_the_number_of_pieces_the_inputs_visit()
    {
        using var scope = NewDisposeScope();
        using var network = new TwoBreakpoints(1, 3);
        // every piece visited, several times: 3 regions, repeats counted once
        Assert.Equal(3, LinearRegionCount.Of(network, Column(-5, 0, 0.5f, 1.5f, 2, 2.9f, 3.5f, 10, 100)));
        // only the middle piece: 1
        Assert.Equal(1, LinearRegionCount.Of(network, Column(1.5f, 2, 2.5f, 2.9f)));
        // the two outer pieces: 2
        Assert.Equal(2, LinearRegionCount.Of(network, Column(-1, 0, 4, 5)));
        // breakpoints moved apart so that 2 and 2.9 fall on either side of the second one: 3 again from 3 inputs
        using var moved = new TwoBreakpoints(0, 2.5);
        Assert.Equal(3, LinearRegionCount.Of(moved, Column(-1, 2, 2.9f)));
        Assert.Null(network.ActivationRecorder);
    }

    [Fact]
    public void Distinct_patterns_are_the_sum_over_samples_of_one_over_their_multiplicity()
    {
        using var scope = NewDisposeScope();
        // rows 10, 10, 01, 11, 01: 1/2 + 1/2 + 1/2 + 1 + 1/2 = 3
        Assert.Equal(3, LinearRegionCount.Distinct(tensor(new float[,] { { 1, 0 }, { 1, 0 }, { 0, 1 }, { 1, 1 }, { 0, 1 } })));
        Assert.Equal(1, LinearRegionCount.Distinct(tensor(new float[,] { { 0, 0, 0 }, { 0, 0, 0 } })));
        Assert.Equal(4, LinearRegionCount.Distinct(tensor(new float[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } })));
        // patterns that differ only in a late unit are different regions
        Assert.Equal(2, LinearRegionCount.Distinct(tensor(new float[,] { { 1, 1, 1, 0 }, { 1, 1, 1, 1 } })));
    }

    private static readonly Genotype Conv = new([3, 3, 3, 3, 3, 3]);
    private static readonly Genotype Collapsed = new([0, 0, 0, 0, 0, 0]);
    private static readonly NetworkSettings NarrowNtk = new(3, 1);

    private static SearchNetwork Narrow64(Genotype genotype, NetworkSettings size, InputShape? input = null) =>
        Trainer.Build(Nb201Space.Instance, genotype, input ?? TrainingTestKit.Mnist, size, seed: 3, CPU).to(ScalarType.Float64);

    [Fact]
    public void Ntk_of_a_narrow_nb201_network_is_finite_and_repeatable_and_a_cell_of_none_has_no_kernel()
    {
        using var scope = NewDisposeScope();
        using var data = TrainingTestKit.Synthetic(64, 10);
        // float64, as TrainFreeScoring runs it (oneDNN's float32 convolution backward is not to be trusted here)
        var batch = data.Train.Images.narrow(0, 0, 16).to(float64);
        using var conv = Narrow64(Conv, NarrowNtk);
        var kappa = NtkConditionNumber.Of(conv, batch);
        _output.WriteLine($"kappa of {Nb201Space.Instance.Format(Conv)} at C=3, N=1 on 16 synthetic images: {kappa:G6}");
        Assert.True(double.IsFinite(kappa) && kappa >= 1, $"kappa {kappa}");
        Assert.Equal(kappa, NtkConditionNumber.Of(conv, batch));
        using var again = Narrow64(Conv, NarrowNtk);
        Assert.Equal(kappa, NtkConditionNumber.Of(again, batch));
        // no gradient left behind on the network
        Assert.All(conv.parameters(), p => Assert.True(p.grad is null || p.grad.abs().sum().item<float>() == 0));

        // every path of the cell is none: the head sees zeros whatever the weights, so every gradient is 0, Theta = 0
        using var collapsed = Narrow64(Collapsed, NarrowNtk);
        Assert.Equal(NtkConditionNumber.Undefined, NtkConditionNumber.Of(collapsed, batch));
    }

    [Fact]
    public void Region_count_of_a_narrow_nb201_network_is_within_bounds_and_a_cell_of_none_has_one_region()
    {
        using var scope = NewDisposeScope();
        using var data = TrainingTestKit.Synthetic(200, 10);
        var crops = data.Train.Images.narrow(2, 10, 3).narrow(3, 10, 3).to(float64);   // 200 crops of 3x3
        var input = new InputShape(1, 3, 3, 10);
        using var conv = Narrow64(Conv, new NetworkSettings(1, 1), input);
        var regions = LinearRegionCount.Of(conv, crops);
        _output.WriteLine($"regions of {Nb201Space.Instance.Format(Conv)} at C=1, N=1 on 200 crops: {regions}");
        Assert.InRange(regions, 2, 200);
        Assert.Equal(regions, LinearRegionCount.Of(conv, crops));
        using var collapsed = Narrow64(Collapsed, new NetworkSettings(1, 1), input);
        // the cell outputs zeros for every crop: the reductions' and the head's ReLUs see the same thing every time
        Assert.Equal(1, LinearRegionCount.Of(collapsed, crops));
    }

    [Fact]
    public void A_units_cap_narrows_every_dense_layer_of_a_sequential_network_and_no_cap_changes_nothing()
    {
        var space = TrainingTestKit.Sequential(3);
        var genotype = new Genotype([1, 0, 3, 1, 0, 0]);   // dense:32:relu/zero | dense:48:relu/skip:1 | identity/zero
        var wide = Networks.LayersOf(space, genotype, TrainingTestKit.Mnist, new NetworkSettings());
        var capped = Networks.LayersOf(space, genotype, TrainingTestKit.Mnist, new NetworkSettings(DenseUnitsCap: 3));
        _output.WriteLine(string.Join(", ", wide.Select(l => $"{l.Prefix} {l.Parameters}")) + " / " +
            string.Join(", ", capped.Select(l => $"{l.Prefix} {l.Parameters}")));
        Assert.Equal(784 * 3 + 3, capped.Single(l => l.Prefix == "dense_0").Parameters);
        Assert.Equal(3 * 3 + 3, capped.Single(l => l.Prefix == "dense_1").Parameters);
        Assert.Equal(3 * 10 + 10, capped.Single(l => l.Prefix == "head").Parameters);
        // the skip joins 32 to 48 units wide (a projection), 3 to 3 narrow (none needed)
        Assert.Contains(wide, l => l.Prefix == "proj_1");
        Assert.DoesNotContain(capped, l => l.Prefix == "proj_1");
        Assert.Equal(wide, Networks.LayersOf(space, genotype, TrainingTestKit.Mnist, new NetworkSettings(DenseUnitsCap: null)));
        using var network = Networks.Build(space, genotype, TrainingTestKit.Mnist, new NetworkSettings(DenseUnitsCap: 3));
        Assert.Equal(capped.Sum(l => l.Parameters), network.parameters().Sum(p => p.NumberOfElements));
        Assert.Throws<ArgumentException>(() => Networks.LayersOf(space, genotype, TrainingTestKit.Mnist, new NetworkSettings(DenseUnitsCap: 0)));
    }
}
