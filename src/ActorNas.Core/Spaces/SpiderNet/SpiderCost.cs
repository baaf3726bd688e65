namespace ActorNas.Core.Spaces.SpiderNet;

/// <summary>
/// What a SpiderNet genotype's network costs, computed without building it: its trainable parameters (exactly those of
/// ActorNas.Torch's network, a test checks) and an analytic estimate of the memory one training step needs, the CPU's
/// stand-in for the authors' measured GPU memory (research notes 1.9): 4 bytes x batch x the activation elements the
/// ops keep for the backward pass x 2 (their gradients), plus 16 bytes per parameter (weight, gradient, momentum, and
/// as much again for the optimiser's and libtorch's working copies). An estimate, named as such wherever it is shown.
/// </summary>
public static class SpiderCost
{
    /// <summary>Trainable parameters of the network of <paramref name="genotype"/> for images of
    /// <paramref name="inputChannels"/> channels and <paramref name="classes"/> classes.</summary>
    public static long Parameters(SpiderNetSpace space, Genotype genotype, int inputChannels, int classes)
    {
        ArgumentNullException.ThrowIfNull(space);
        var cells = space.Decode(genotype);
        long c0 = space.ChannelsOf(0);
        var total = inputChannels * c0 * 9 + 2 * c0;   // stem: 3 x 3 conv without bias, BN
        for (var c = 0; c < cells.Count; c++)
        {
            long channels = space.ChannelsOf(c);
            total += ScalerInputs(space, c).Sum(inChannels => inChannels * channels + 2 * channels);
            foreach (var (_, mask) in cells[c].Edges)
                total += SpiderOps.Count + SpiderOps.AliveIn(mask).Sum(op => OpParameters(op, channels));
            total += 2 * channels * (cells[c].Nodes - cells[c].Inputs);   // a BN per node
            total += (channels + 1) * classes;                             // the cell's head
        }
        return total;
    }

    /// <summary>Estimated bytes of one training step at <paramref name="batch"/> images of
    /// <paramref name="imageSize"/> x <paramref name="imageSize"/> pixels (see the class summary).</summary>
    public static long TrainingBytes(SpiderNetSpace space, Genotype genotype, int inputChannels, int imageSize, int classes, int batch)
    {
        ArgumentNullException.ThrowIfNull(space);
        var cells = space.Decode(genotype);
        var sizes = Sizes(space, imageSize);
        long c0 = space.ChannelsOf(0);
        var elements = 2 * c0 * sizes[0] * sizes[0];   // stem conv and BN outputs
        for (var c = 0; c < cells.Count; c++)
        {
            long channels = space.ChannelsOf(c);
            long before = c == 0 ? sizes[0] : sizes[c - 1];
            long after = sizes[c];
            elements += 2 * channels * before * before * ScalerInputs(space, c).Count();
            foreach (var (_, mask) in cells[c].Edges)
                elements += SpiderOps.AliveIn(mask).Sum(op => (OpActivations(op) + 1) * channels * after * after);   // + its gated output
            elements += 2 * channels * after * after * (cells[c].Nodes - cells[c].Inputs);                           // a node's sum and BN
        }
        return 4L * batch * elements * 2 + 16L * Parameters(space, genotype, inputChannels, classes);
    }

    /// <summary>The spatial size of each cell's output: the image's, then halved (rounding up) by each later cell.</summary>
    public static IReadOnlyList<int> Sizes(SpiderNetSpace space, int imageSize)
    {
        var sizes = new List<int> { imageSize };
        for (var c = 1; c < space.Cells; c++) sizes.Add((sizes[^1] + 1) / 2);
        return sizes;
    }

    /// <summary>The channels of the inputs of cell <paramref name="cell"/> that go through a 1 x 1 scaler (those whose
    /// channels differ from the cell's; cell 0 reads the stem as it is).</summary>
    public static IEnumerable<long> ScalerInputs(SpiderNetSpace space, int cell)
    {
        long channels = space.ChannelsOf(cell);
        for (var k = 0; k < SpiderNetSpace.InputsOf(cell); k++)
        {
            long inChannels = space.ChannelsOf(Math.Max(k - 1, 0));
            if (inChannels != channels) yield return inChannels;
        }
    }

    private static long OpParameters(SpiderOp op, long c) => op switch
    {
        SpiderOp.SepConv3 => 2 * c * 9 + 2 * c * c + 4 * c,
        SpiderOp.SepConv5 => 2 * c * 25 + 2 * c * c + 4 * c,
        SpiderOp.DilConv3 => c * 9 + c * c + 2 * c,
        SpiderOp.DilConv5 => c * 25 + c * c + 2 * c,
        _ => 0,
    };

    /// <summary>Tensors of the op's output size it keeps for the backward pass: a separable conv seven (two depthwise,
    /// two pointwise, two BN, a ReLU), a dilated conv three, a pool one, identity none.</summary>
    private static long OpActivations(SpiderOp op) => op switch
    {
        SpiderOp.SepConv3 or SpiderOp.SepConv5 => 7,
        SpiderOp.DilConv3 or SpiderOp.DilConv5 => 3,
        SpiderOp.MaxPool3 or SpiderOp.AvgPool3 => 1,
        _ => 0,
    };
}
