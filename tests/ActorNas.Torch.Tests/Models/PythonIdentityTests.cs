using System.Diagnostics;
using ActorNas.Core;
using ActorNas.Core.Spaces;
using ActorNas.Tests.Shared;
using ActorNas.Torch.Models;
using Xunit;

namespace ActorNas.Torch.Tests.Models;

/// <summary>
/// examples/PyTorchTrainer takes a parent's layers by identity, so its Python port of the identities must name every
/// NB201 layer exactly as <see cref="Nb201Network.Describe"/> does (same identity, same module name, same order).
/// Runs the port with the python3 on PATH (it needs no torch).
/// </summary>
public sealed class PythonIdentityTests
{
    private static readonly string Script = Path.Combine(RepositoryRoot.Path(), "examples", "PyTorchTrainer", "layer_identity.py");

    [Theory]
    [InlineData("3,2,3,1,3,4", 1, 28, 10, 8, 1)]
    [InlineData("0,0,0,0,0,0", 1, 28, 10, 8, 1)]
    [InlineData("2,3,4,1,2,3", 3, 32, 10, 16, 5)]
    [InlineData("1,4,3,3,0,2", 3, 32, 100, 4, 2)]
    public void The_examples_identities_are_ActorNas_Torchs(string positions, int channels, int size, int classes, int c, int n)
    {
        var genotype = new Genotype(positions.Split(',').Select(int.Parse).ToArray());
        var expected = Nb201Network.Describe(genotype, new InputShape(channels, size, size, classes), new NetworkSettings(c, n))
            .Select(l => $"{l.Identity} {l.Prefix}").ToList();

        var python = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Script, positions, $"{channels}", $"{classes}", $"{c}", $"{n}" }) python.ArgumentList.Add(argument);
        using var process = Process.Start(python)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.True(process.ExitCode == 0, $"layer_identity.py failed: {error}");
        Assert.Equal(expected, output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
