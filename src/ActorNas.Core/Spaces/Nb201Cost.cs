using ActorNas.Core.Tabular;

namespace ActorNas.Core.Spaces;

/// <summary>The size of an NB201 network: multiply-accumulates of one forward pass and trainable parameters.</summary>
public sealed record NetworkCost(double Flops, double Parameters)
{
    public double MegaFlops => Flops / 1e6;
    public double MegaParameters => Parameters / 1e6;
}

/// <summary>
/// FLOPs and parameters of the NAS-Bench-201 macro skeleton built around a cell: a 3x3 stem conv to C channels,
/// three stages of N cells (C, 2C, 4C channels; the spatial size halves at each stage) separated by residual
/// reduction blocks, then batch norm, global pooling and a linear head. Cell edges: nor_conv_kxk is ReLU-Conv-BN
/// (no bias), skip_connect, avg_pool_3x3 and none cost nothing. FLOPs count the multiply-accumulates of convolutions
/// and the head, as the benchmark's own table does (all-conv3x3 on CIFAR-10: 220.11 M; no conv: 7.78 M).
/// </summary>
public sealed record Nb201Skeleton(int Channels = 16, int CellsPerStage = 5, int InputSize = 32, int Classes = 10)
{
    public static Nb201Skeleton Cifar10 { get; } = new();
    public static Nb201Skeleton Cifar100 { get; } = new(Classes: 100);
    public static Nb201Skeleton ImageNet16 { get; } = new(InputSize: 16, Classes: 120);

    public NetworkCost Cost(Genotype genotype)
    {
        Nb201Space.Instance.Validate(genotype);
        double flops = 0, parameters = 0;
        var c = Channels;
        var hw = (double)InputSize * InputSize;

        Add(Conv(3, c, 3, hw), BatchNorm(c));                       // stem
        for (var stage = 0; stage < 3; stage++)
        {
            if (stage > 0)
            {
                // residual reduction: 3x3 stride-2 conv, 3x3 conv, shortcut avg-pool + 1x1 conv (no norm)
                var outHw = hw / 4;
                Add(Conv(c, 2 * c, 3, outHw), BatchNorm(2 * c));
                Add(Conv(2 * c, 2 * c, 3, outHw), BatchNorm(2 * c));
                Add(Conv(c, 2 * c, 1, outHw), 0);
                c *= 2;
                hw = outHw;
            }
            for (var cell = 0; cell < CellsPerStage; cell++)
                for (var edge = 0; edge < genotype.Length; edge++)
                    switch (Nb201Space.Operations[genotype[edge]])
                    {
                        case "nor_conv_1x1": Add(Conv(c, c, 1, hw), BatchNorm(c)); break;
                        case "nor_conv_3x3": Add(Conv(c, c, 3, hw), BatchNorm(c)); break;
                    }
        }
        parameters += BatchNorm(c);                         // last activation's norm
        Add((c * (double)Classes, c * (double)Classes + Classes), 0);  // linear head
        return new NetworkCost(flops, parameters);

        void Add((double Flops, double Parameters) layer, double extraParameters)
        {
            flops += layer.Flops;
            parameters += layer.Parameters + extraParameters;
        }
    }

    private static (double Flops, double Parameters) Conv(int input, int output, int kernel, double outputPixels)
    {
        var weights = (double)input * output * kernel * kernel;
        return (weights * outputPixels, weights);
    }

    private static double BatchNorm(int channels) => 2.0 * channels;

    public static Nb201Skeleton For(Nb201Dataset dataset) => dataset switch
    {
        Nb201Dataset.Cifar10 => Cifar10,
        Nb201Dataset.Cifar100 => Cifar100,
        _ => ImageNet16,
    };
}
