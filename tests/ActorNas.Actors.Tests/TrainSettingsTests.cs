using ActorNas.Actors.Configuration;
using ActorNas.Core.Evaluation;
using Akka.Configuration;
using Xunit;

namespace ActorNas.Actors.Tests;

/// <summary>The <c>actornas.evaluator.train</c> and <c>actornas.evaluator.naswot</c> keys, read into <see cref="TrainingSettings"/> and checked.</summary>
public sealed class TrainSettingsTests
{
    private static TrainingSettings Read(string hocon) =>
        ActorNasSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString(hocon))).Evaluator.Training;

    private static SettingsException Refused(string hocon) =>
        Assert.Throws<SettingsException>(() => ActorNasSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString(hocon))));

    [Fact]
    public void The_reference_file_has_the_defaults_of_TrainingOptions()
    {
        var read = ActorNasSettings.From(ActorNasConfig.Reference).Evaluator.Training;
        var defaults = new TrainingSettings();

        // record equality covers every member; the members one by one say which key drifted when it fails
        Assert.Equal(defaults.Dataset, read.Dataset);
        Assert.Equal(defaults.DataDir, read.DataDir);
        Assert.Equal(defaults.TrainImages, read.TrainImages);
        Assert.Equal(defaults.ValidationImages, read.ValidationImages);
        Assert.Equal(defaults.Epochs, read.Epochs);
        Assert.Equal(defaults.BatchSize, read.BatchSize);
        Assert.Equal(defaults.Optimizer, read.Optimizer);
        Assert.Equal(defaults.LearningRate, read.LearningRate);
        Assert.Equal(defaults.Momentum, read.Momentum);
        Assert.Equal(defaults.WeightDecay, read.WeightDecay);
        Assert.Equal(defaults.Device, read.Device);
        Assert.Equal(defaults.Transfer, read.Transfer);
        Assert.Equal(defaults.FreezeTransferred, read.FreezeTransferred);
        Assert.Equal(defaults.WeightCacheMb, read.WeightCacheMb);
        Assert.Equal(defaults.Nb201Channels, read.Nb201Channels);
        Assert.Equal(defaults.Nb201CellsPerStage, read.Nb201CellsPerStage);
        Assert.Equal(defaults.NaswotBatchSize, read.NaswotBatchSize);
        Assert.Equal(defaults, read);
    }

    [Fact]
    public void The_documented_defaults_are_the_ones_in_the_reference_comments()
    {
        var defaults = new TrainingSettings();
        Assert.Equal("fashion-mnist", defaults.Dataset);
        Assert.Equal("", defaults.DataDir);
        Assert.Equal(5000, defaults.TrainImages);
        Assert.Equal(1000, defaults.ValidationImages);
        Assert.Equal(1, defaults.Epochs);
        Assert.Equal(64, defaults.BatchSize);
        Assert.Equal(OptimizerKind.Sgd, defaults.Optimizer);
        Assert.Equal(0.05, defaults.LearningRate);
        Assert.Equal(0.9, defaults.Momentum);
        Assert.Equal(5e-4, defaults.WeightDecay);
        Assert.Equal("auto", defaults.Device);
        Assert.True(defaults.Transfer);
        Assert.False(defaults.FreezeTransferred);
        Assert.Equal(512, defaults.WeightCacheMb);
        Assert.Equal(16, defaults.Nb201Channels);   // the benchmark's C
        Assert.Equal(5, defaults.Nb201CellsPerStage); // the benchmark's N
        Assert.Equal(128, defaults.NaswotBatchSize);
    }

    [Fact]
    public void Every_key_parses_when_set_away_from_its_default()
    {
        var read = Read("""
            actornas.evaluator {
              name = train
              train {
                dataset = cifar10
                data-dir = "/data/cifar-10-batches-bin"
                train-images = 0
                validation-images = 250
                epochs = 3
                batch-size = 128
                optimizer = adam
                learning-rate = 0.001
                momentum = 0
                weight-decay = 0
                device = cpu
                transfer = false
                freeze-transferred = true
                keep-models-mb = 0
                nb201 { channels = 8, cells-per-stage = 2 }
              }
              naswot.batch-size = 32
            }
            """);

        Assert.Equal(new TrainingSettings(
            Dataset: "cifar10",
            DataDir: "/data/cifar-10-batches-bin",
            TrainImages: 0,
            ValidationImages: 250,
            Epochs: 3,
            BatchSize: 128,
            Optimizer: OptimizerKind.Adam,
            LearningRate: 0.001,
            Momentum: 0,
            WeightDecay: 0,
            Device: "cpu",
            Transfer: false,
            FreezeTransferred: true,
            WeightCacheMb: 0,
            Nb201Channels: 8,
            Nb201CellsPerStage: 2,
            NaswotBatchSize: 32), read);
    }

    [Theory]
    [InlineData("fashion-mnist")]
    [InlineData("cifar10")]
    [InlineData("synthetic")]
    public void Each_dataset_parses(string dataset) =>
        Assert.Equal(dataset, Read($"actornas.evaluator.train.dataset = {dataset}").Dataset);

    [Theory]
    [InlineData("sgd", OptimizerKind.Sgd)]
    [InlineData("adam", OptimizerKind.Adam)]
    [InlineData("Adam", OptimizerKind.Adam)]
    public void The_optimizer_parses(string text, OptimizerKind expected) =>
        Assert.Equal(expected, Read($"actornas.evaluator.train.optimizer = {text}").Optimizer);

    [Theory]
    [InlineData("auto")]
    [InlineData("cpu")]
    [InlineData("cuda")]
    [InlineData("\"cuda:1\"")]
    [InlineData("\"cuda:0\"")]
    public void The_device_parses_without_looking_for_a_gpu(string text)
    {
        // cuda:K must be quoted in HOCON: an unquoted ':' is an assignment, so `device = cuda:1` is not valid HOCON

        // the settings only check the form; whether the device exists is the evaluator's business (a CPU-only machine
        // reads "cuda:1" here without complaint)
        var expected = text.Trim('"');
        Assert.Equal(expected, Read($"actornas.evaluator.train.device = {text}").Device);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("on", true)]
    [InlineData("off", false)]
    public void Transfer_and_freeze_take_true_false_on_off(string text, bool expected)
    {
        Assert.Equal(expected, Read($"actornas.evaluator.train.transfer = {text}").Transfer);
        Assert.Equal(expected, Read($"actornas.evaluator.train.freeze-transferred = {text}").FreezeTransferred);
    }

    [Fact]
    public void Numbers_keep_their_precision()
    {
        var read = Read("actornas.evaluator.train { learning-rate = 0.0125, momentum = 0.999, weight-decay = 1e-5, keep-models-mb = 4096 }");
        Assert.Equal(0.0125, read.LearningRate);
        Assert.Equal(0.999, read.Momentum);
        Assert.Equal(1e-5, read.WeightDecay);
        Assert.Equal(4096, read.WeightCacheMb);
    }

    [Fact]
    public void The_train_keys_are_read_whatever_the_evaluator()
    {
        // naswot shares the data and network keys with train; synthetic ignores them but they are still checked
        foreach (var evaluator in new[] { "train", "naswot", "synthetic" })
        {
            var read = Read($"actornas.evaluator {{ name = {evaluator}, train.epochs = 2, naswot.batch-size = 16 }}");
            Assert.Equal(2, read.Epochs);
            Assert.Equal(16, read.NaswotBatchSize);
        }
    }

    /// <summary>A bad value is refused with the full name of the key, as written in a --config file.</summary>
    [Theory]
    [InlineData("actornas.evaluator.train.epochs = 0", "actornas.evaluator.train.epochs")]
    [InlineData("actornas.evaluator.train.optimizer = rmsprop", "actornas.evaluator.train.optimizer")]
    [InlineData("actornas.evaluator.train.device = gpu", "actornas.evaluator.train.device")]
    [InlineData("actornas.evaluator.train.transfer = maybe", "actornas.evaluator.train.transfer")]
    [InlineData("actornas.evaluator.train.momentum = 1.0", "actornas.evaluator.train.momentum")]
    [InlineData("actornas.evaluator.naswot.batch-size = 1", "actornas.evaluator.naswot.batch-size")]
    [InlineData("actornas.evaluator.train.dataset = mnist", "actornas.evaluator.train.dataset")]
    public void A_bad_value_is_refused_naming_its_key(string hocon, string key)
    {
        var e = Refused(hocon);
        Assert.True(e.Message.Contains(key, StringComparison.Ordinal), $"expected the message to name {key}: {e.Message}");
    }

    /// <summary>What the message says besides the key: the value given and what would have been accepted.</summary>
    [Theory]
    [InlineData("actornas.evaluator.train.epochs = 0", ">= 1")]
    [InlineData("actornas.evaluator.train.optimizer = rmsprop", "sgd, adam")]
    [InlineData("actornas.evaluator.train.device = gpu", "auto, cpu, cuda or \"cuda:K\"")]
    [InlineData("actornas.evaluator.train.transfer = maybe", "true or false")]
    [InlineData("actornas.evaluator.train.momentum = 1.0", "[0, 1)")]
    [InlineData("actornas.evaluator.naswot.batch-size = 1", ">= 2")]
    [InlineData("actornas.evaluator.train.dataset = mnist", "fashion-mnist, cifar10, synthetic")]
    public void A_bad_value_is_refused_saying_what_is_allowed(string hocon, string allowed)
    {
        var e = Refused(hocon);
        Assert.Contains(allowed, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("actornas.evaluator.train.epochs = 0", "0")]
    [InlineData("actornas.evaluator.train.optimizer = rmsprop", "rmsprop")]
    [InlineData("actornas.evaluator.train.device = gpu", "gpu")]
    [InlineData("actornas.evaluator.train.transfer = maybe", "maybe")]
    [InlineData("actornas.evaluator.train.dataset = mnist", "mnist")]
    public void A_bad_value_is_quoted_in_the_message(string hocon, string value) =>
        Assert.Contains(value, Refused(hocon).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("actornas.evaluator.train.batch-size = 0")]
    [InlineData("actornas.evaluator.train.train-images = -1")]
    [InlineData("actornas.evaluator.train.validation-images = -1")]
    [InlineData("actornas.evaluator.train.learning-rate = 0")]
    [InlineData("actornas.evaluator.train.learning-rate = -0.1")]
    [InlineData("actornas.evaluator.train.momentum = -0.1")]
    [InlineData("actornas.evaluator.train.weight-decay = -1")]
    [InlineData("actornas.evaluator.train.keep-models-mb = -1")]
    [InlineData("actornas.evaluator.train.nb201.channels = 0")]
    [InlineData("actornas.evaluator.train.nb201.cells-per-stage = 0")]
    [InlineData("actornas.evaluator.train.device = \"cuda:\"")]
    [InlineData("actornas.evaluator.train.device = \"cuda:-1\"")]
    [InlineData("actornas.evaluator.train.epochs = many")]
    [InlineData("actornas.evaluator.train.optimizer = 1")]
    public void Other_out_of_range_values_are_refused(string hocon) => Refused(hocon);
}
