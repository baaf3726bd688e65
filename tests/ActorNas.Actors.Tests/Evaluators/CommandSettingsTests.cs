using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators;
using Akka.Configuration;
using Xunit;

namespace ActorNas.Actors.Tests.Evaluators;

/// <summary>actornas.evaluator.command: read in one place, and refused with the key and the fix when it cannot work.</summary>
public sealed class CommandSettingsTests
{
    private static ActorNasSettings Read(string hocon) =>
        ActorNasSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString("actornas.evaluator.name = command\n" + hocon)));

    private static void Prepare(string hocon)
    {
        var settings = Read(hocon);
        new EvaluatorRegistry().Prepare(settings.Evaluator, settings.Search);
    }

    [Fact]
    public void The_defaults_and_explicit_values_are_read()
    {
        var defaults = Read("").Evaluator.Command;
        Assert.Equal(["python3", "train.py"], defaults.Command);
        Assert.Equal("", defaults.WorkingDirectory);
        Assert.Empty(defaults.Environment);
        Assert.Null(defaults.Gpus);   // auto
        Assert.Equal(TimeSpan.FromSeconds(10), defaults.KillGrace);

        var given = Read("""
            actornas.evaluator.command {
              command = ["/usr/bin/env", "python3", "my train.py", "--epochs", "3"]
              working-directory = "/tmp"
              environment { OMP_NUM_THREADS = "4", "MY.VAR" = x }
              gpus = [0, 2]
              kill-grace = 2s
              checkpoint-dir = "/tmp/ckpt"
            }
            """).Evaluator.Command;
        Assert.Equal(["/usr/bin/env", "python3", "my train.py", "--epochs", "3"], given.Command);
        Assert.Equal(new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "4", ["MY.VAR"] = "x" }, given.Environment);
        Assert.Equal([0, 2], given.Gpus);
        Assert.Equal(TimeSpan.FromSeconds(2), given.KillGrace);
        Assert.Equal("/tmp/ckpt", given.CheckpointRoot);
        Assert.Empty(Read("actornas.evaluator.command.gpus = none").Evaluator.Command.Gpus!);
    }

    [Theory]
    [InlineData("actornas.evaluator.command.command = []", "actornas.evaluator.command.command is empty")]
    [InlineData("actornas.evaluator.command.gpus = some", "actornas.evaluator.command.gpus = some is not auto, none or a list")]
    [InlineData("actornas.evaluator.command.gpus = [0, -1]", "negative GPU index")]
    [InlineData("actornas.evaluator.command.kill-grace = soon", "actornas.evaluator.command.kill-grace")]
    [InlineData("actornas.evaluator.command.environment { ACTORNAS_SEED = \"1\" }", "sets ACTORNAS_SEED")]
    [InlineData("actornas.evaluator.command.environment { CUDA_VISIBLE_DEVICES = \"1\" }", "actornas.evaluator.command.gpus")]
    public void A_bad_shape_is_refused_with_the_key(string hocon, string expected)
    {
        var e = Assert.Throws<SettingsException>(() => Read(hocon));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("actornas.evaluator.command.command = [\"no-such-program-actornas\"]", "\"no-such-program-actornas\" is not on the PATH")]
    [InlineData("actornas.evaluator.command.command = [\"./missing.sh\"]", "\"./missing.sh\" does not exist or is not executable")]
    [InlineData("actornas.evaluator.command { command = [python3, train.py], working-directory = \"/tmp\" }", "names the script \"train.py\", which does not exist in /tmp")]
    [InlineData("actornas.evaluator.command { command = [bash], working-directory = \"/no/such/folder\" }", "working-directory \"/no/such/folder\" does not exist")]
    [InlineData("actornas.evaluator { abandon-after = 5s, command { command = [bash], kill-grace = 10s } }", "must be shorter than actornas.evaluator.abandon-after")]
    public void What_cannot_run_here_is_refused_before_the_search_starts(string hocon, string expected)
    {
        var e = Assert.Throws<SettingsException>(() => Prepare(hocon));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_program_on_the_path_prepares_and_the_command_evaluator_cannot_be_simulated()
    {
        Prepare("actornas.evaluator.command { command = [bash, \"-c\", \"true\"], gpus = none }");
        var settings = Read("actornas.evaluator.command.gpus = none");
        var e = Assert.Throws<SettingsException>(() => BuiltInEvaluators.Simulated(settings.Evaluator, Core.Spaces.Nb201Space.Instance));
        Assert.Contains("cannot run on a simulated clock", e.Message, StringComparison.Ordinal);
    }
}
