using System.Security.Cryptography;
using System.Text;
using ActorNas.Analysis.Output;
using ActorNas.Core;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Simulation;
using ActorNas.Core.Spaces;
using ActorNas.Tests.Shared;
using Xunit;

namespace ActorNas.Analysis.Tests;

/// <summary>
/// Every file `actornas analyze` writes but the figures (CSV, Parquet, report) is byte for byte what the build before the
/// memory work (issue 21) wrote for the same logs: random logs with failures, retries, pauses and releases, a simulated
/// search with failures, and an analysis from the middle of a log. The SHA-256 of each file was recorded with that
/// build in Golden/analyze-outputs.sha256; ACTORNAS_WRITE_GOLDEN=1 rewrites it (only when an output is meant to change).
/// </summary>
public sealed class GoldenOutputTests : IDisposable
{
    private static readonly string GoldenPath = Path.Combine(RepositoryRoot.Path(), "tests", "ActorNas.Analysis.Tests", "Golden", "analyze-outputs.sha256");

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actornas-golden-tests-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Analyze_outputs_are_byte_identical_to_the_recorded_ones()
    {
        var lines = new List<string>();
        foreach (var (name, events, window) in Logs())
        {
            var fold = new LogFold(window);
            foreach (var e in events) fold.Apply(e);
            var directory = Path.Combine(_directory.FullName, name);
            var outputs = await AnalysisWriter.WriteAsync(name, fold, new AnalysisSettings(), directory, [], "golden test");
            // the figures are left out: their pixels depend on the fonts installed, not only on ActorNas
            foreach (var file in outputs.Files.Where(f => !f.EndsWith(".png", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
                lines.Add($"{name}/{Path.GetFileName(file)} {Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)))}");
        }

        if (Environment.GetEnvironmentVariable("ACTORNAS_WRITE_GOLDEN") == "1")
            File.WriteAllText(GoldenPath, string.Join('\n', lines) + "\n", new UTF8Encoding(false));
        var expected = File.ReadAllLines(GoldenPath).Where(l => l.Length > 0).ToList();
        Assert.Equal(expected, lines);
    }

    private static IEnumerable<(string Name, IReadOnlyList<ISearchEvent> Events, AnalysisWindow? Window)> Logs()
    {
        foreach (var seed in new ulong[] { 1, 2, 3, 5, 8, 13, 21, 34 })
            yield return ($"random-{seed}", RandomSearchLogs.Generate(seed), null);
        var simulated = Simulate(800, workers: 8, failureRate: 0.2);
        yield return ("simulated", simulated, null);
        yield return ("simulated-from-middle", simulated, new AnalysisWindow(FromSequenceNr: simulated.Count / 2));
    }

    /// <summary>A search on the simulated clock: synthetic scores, log-normal durations, failures (some final).</summary>
    private static IReadOnlyList<ISearchEvent> Simulate(int budget, int workers, double failureRate)
    {
        var config = new SearchSettings
        {
            Space = new SearchSpaceSpec(Nb201Space.SpaceName), PopulationSize = 50, SampleSize = 10, Budget = budget, Seed = 7,
            MaxAttempts = 2, MaxFailures = budget,
        };
        var evaluator = new SyntheticSimulator(new SyntheticSettings(DurationKind.LogNormal, 100, 0.5, failureRate), config.Space.Create());
        return SimulatedSearch.Run(config, evaluator, workers).Events;
    }
}
