using ActorNas.Tests.Shared;

namespace ActorNas.Integration.Tests;

/// <summary>docs/cli.md says it is generated from `--help`: each command's help appears in it verbatim.</summary>
public sealed class CliDocsTests
{
    [Theory]
    [InlineData("run")]
    [InlineData("simulate")]
    [InlineData("resume")]
    [InlineData("status")]
    [InlineData("list")]
    [InlineData("export")]
    [InlineData("analyze")]
    [InlineData("repair")]
    [InlineData("backup")]
    [InlineData("seed")]
    [InlineData("worker")]
    [InlineData("serve")]
    public async Task The_reference_shows_the_help_the_command_prints(string command)
    {
        using var dir = new TempDirectory();
        var help = await ActorNasProcess.RunAsync(dir.Path, command, "--help");
        Assert.True(help.ExitCode == 0, help.ToString());

        var doc = File.ReadAllText(Path.Combine(RepositoryRoot.Path(), "docs", "cli.md")).ReplaceLineEndings("\n");
        var printed = help.Stdout.ReplaceLineEndings("\n").Trim('\n');
        Assert.True(doc.Contains(printed, StringComparison.Ordinal),
            $"docs/cli.md's section for `actornas {command}` differs from its --help; paste this in:\n{printed}");
    }
}
