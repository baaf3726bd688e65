using System.Text;
using System.Text.Json;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Core.Tests.TestSupport;
using CsCheck;
using Xunit;

namespace ActorNas.Core.Tests;

public sealed class EventSerializerTests
{
    private static readonly DateTimeOffset At = new(2024, 6, 30, 23, 59, 58, 123, TimeSpan.FromHours(-7));
    private static readonly Genotype G = new([3, 3, 4, 1, 3, 1]);

    private static readonly SearchSettings SequentialConfig = new()
    {
        Space = new SearchSpaceSpec(SequentialSpace.SpaceName, new SequentialSpaceSettings { Layers = 3, Units = [8, 16], Activations = ["relu", "tanh"] }),
        PopulationSize = 7, SampleSize = 3, Budget = 50, Mode = SchedulingMode.Batch, BatchSize = 4, MaxAttempts = 2, MaxFailures = 9,
        Seed = -123456789012345, Mutation = new PositionWeighting(2.5), Evaluator = "tabular", Settings = "actornas { budget = 50 }",
    };

    /// <summary>One value of every type in the log schema, with every optional field set and unset.</summary>
    private static IEnumerable<object> Samples()
    {
        yield return new SearchStarted(SequentialConfig, At);
        yield return new SearchStarted(new SearchSettings { Space = new SearchSpaceSpec(Nb201Space.SpaceName) }, At);
        yield return new CandidateProposed(12, 5, G, new Mutation(2, 0, 4), [5, 9, 1], 3, At);
        yield return new CandidateProposed(1, null, G, null, null, 0, At);
        yield return new CandidateStarted(12, "gpu-0", "node-a", 2, At);
        yield return new CandidateEvaluated(12, 0.9375, new Dictionary<string, double> { ["durationMs"] = 12.5, ["loss"] = double.NaN }, At, At.AddMinutes(3),
            "gpu-0", "node-a", 4, true);
        yield return new CandidateEvaluated(13, -1e-300, null, At, At, "cpu-1", "node-b");
        yield return new CandidateFailed(12, "CUDA out of memory \"quoted\" \u00e9", 3, true, "gpu-0", At);
        yield return new CandidateReleased(12, "worker stopped", At);
        yield return new CandidateRetired(5, At);
        yield return new CandidateCancelled(14, "the budget is reached", At);
        yield return new SearchCompleted("budget", At);
        yield return new SearchPaused("maintenance window", At);
        yield return new SearchResumed(At);
        yield return SnapshotOfARun();
    }

    private static SearchSnapshot SnapshotOfARun()
    {
        var config = new SearchSettings
        {
            Space = new SearchSpaceSpec(Nb201Space.SpaceName), PopulationSize = 4, SampleSize = 2, Budget = 40, Seed = 3,
        };
        var scenario = new Scenario(config, Workers: 3, FailRate: 0.2, NanRate: 0, ReleaseRate: 0.02, HoldReservationRate: 0,
            CancelRate: 0, DuplicateRate: 0, MaxHeld: 2, DriverSeed: 11);
        var run = SearchRun.Execute(scenario);
        // a point in the middle of the run: a full population, candidates pending, a best member
        var step = run.Trace.First(t => t.After.Evaluated >= 10 && t.After.Pending.Count >= 2 && t.After.Pending.Any(p => p.FailedAttempts > 0));
        return step.After;
    }

    [Fact]
    public void The_samples_cover_every_type_of_the_schema() =>
        Assert.Equal(EventSerializer.Types.OrderBy(t => t.Name), Samples().Select(s => s.GetType()).Distinct().OrderBy(t => t.Name));

    [Fact]
    public void Every_entry_reads_back_as_what_was_written()
    {
        foreach (var value in Samples())
        {
            var manifest = EventSerializer.ManifestOf(value);
            var bytes = EventSerializer.ToBytes(value);
            var back = EventSerializer.FromBytes(bytes, manifest);
            Assert.IsType(value.GetType(), back);
            Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(EventSerializer.ToBytes(back)));
        }
    }

    [Fact]
    public void Fields_survive_the_round_trip()
    {
        var samples = Samples().ToList();
        T Back<T>(T value) where T : notnull => (T)EventSerializer.FromBytes(EventSerializer.ToBytes(value), EventSerializer.ManifestOf(value));

        foreach (var started in samples.OfType<SearchStarted>())
        {
            var back = Back(started);
            Assert.Equal(started, back);                      // config, space options and weighting compare by value
            Assert.Equal(started.At.Offset, back.At.Offset);
        }

        var proposed = samples.OfType<CandidateProposed>().First();
        var p = Back(proposed);
        Assert.Equal((proposed.Id, proposed.ParentId, proposed.Genotype, proposed.Mutation, proposed.Batch, proposed.At),
            (p.Id, p.ParentId, p.Genotype, p.Mutation, p.Batch, p.At));
        Assert.Equal(proposed.Tournament!, p.Tournament!);
        var random = Back(samples.OfType<CandidateProposed>().Last());
        Assert.Null(random.ParentId);
        Assert.Null(random.Mutation);
        Assert.Null(random.Tournament);

        var evaluated = samples.OfType<CandidateEvaluated>().First();
        var v = Back(evaluated);
        Assert.Equal(evaluated with { Metrics = null }, v with { Metrics = null });
        Assert.Equal(evaluated.Metrics!.OrderBy(kv => kv.Key), v.Metrics!.OrderBy(kv => kv.Key));
        var bare = samples.OfType<CandidateEvaluated>().Last();
        Assert.Equal(bare, Back(bare));

        foreach (var simple in samples.Where(s => s is CandidateStarted or CandidateFailed or CandidateReleased or CandidateRetired or CandidateCancelled or SearchCompleted or SearchPaused or SearchResumed))
            Assert.Equal(simple, Back(simple));

        var snapshot = samples.OfType<SearchSnapshot>().Single();
        var s = Back(snapshot);
        Assert.True(s.Equivalent(snapshot));
        Assert.NotNull(s.Best);
        Assert.Contains(s.Pending, x => x.FailedAttempts > 0);
        Assert.True(SearchState.FromSnapshot(s).SameAs(SearchState.FromSnapshot(snapshot)));
    }

    [Fact]
    public void Manifests_are_fixed_versioned_names()
    {
        Assert.Equal(
            new[]
            {
                "candidate-cancelled.v1", "candidate-evaluated.v1", "candidate-evaluated.v2", "candidate-failed.v1", "candidate-proposed.v1", "candidate-released.v1", "candidate-retired.v1",
                "candidate-started.v1", "search-completed.v1", "search-paused.v1", "search-resumed.v1", "search-snapshot.v1",
                "search-started.v1",
            },
            EventSerializer.Manifests.Order(StringComparer.Ordinal));
        Assert.Equal("candidate-proposed.v1", EventSerializer.ManifestOf(Samples().OfType<CandidateProposed>().First()));
        Assert.True(EventSerializer.Handles(typeof(SearchSnapshot)));
        Assert.False(EventSerializer.Handles(typeof(Member)));
    }

    [Theory]
    [InlineData("candidate-evaluated.v3")]
    [InlineData("CandidateEvaluated")]
    [InlineData("ActorNas.Core.Events.CandidateEvaluated, ActorNas.Core")]
    [InlineData("")]
    public void An_unknown_manifest_is_refused(string manifest)
    {
        var bytes = EventSerializer.ToBytes(new CandidateRetired(5, At));
        var error = Assert.Throws<JsonException>(() => EventSerializer.FromBytes(bytes, manifest));
        Assert.Contains("unknown", error.Message, StringComparison.Ordinal);
        Assert.Contains("newer ActorNas", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_schema_types_are_written()
    {
        Assert.Contains("not part of the ActorNas log schema", Assert.Throws<ArgumentException>(() => EventSerializer.ToBytes(new Member(1, G, 0.5))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => EventSerializer.ManifestOf("text"));
    }

    [Fact]
    public void The_json_holds_no_type_names_and_uses_camel_case_with_nulls_left_out()
    {
        foreach (var value in Samples())
        {
            var json = Encoding.UTF8.GetString(EventSerializer.ToBytes(value));
            Assert.DoesNotContain("$type", json, StringComparison.Ordinal);
            Assert.DoesNotContain("ActorNas.Core", json, StringComparison.Ordinal);
            Assert.DoesNotContain("System.", json, StringComparison.Ordinal);
            Assert.DoesNotContain(":null", json, StringComparison.Ordinal);
            using var doc = JsonDocument.Parse(json);
            Assert.All(doc.RootElement.EnumerateObject(), prop => Assert.True(char.IsLower(prop.Name[0]), $"{prop.Name} in {json}"));
        }
        var proposal = Encoding.UTF8.GetString(EventSerializer.ToBytes(Samples().OfType<CandidateProposed>().First()));
        Assert.Contains("\"genotype\":[3,3,4,1,3,1]", proposal, StringComparison.Ordinal);
        Assert.Contains("\"mutation\":{\"position\":2,\"from\":0,\"to\":4}", proposal, StringComparison.Ordinal);
        var random = Encoding.UTF8.GetString(EventSerializer.ToBytes(Samples().OfType<CandidateProposed>().Last()));
        Assert.DoesNotContain("parentId", random, StringComparison.Ordinal);
        Assert.DoesNotContain("mutation", random, StringComparison.Ordinal);
    }

    [Fact]
    public void A_log_written_to_the_documented_schema_is_read()
    {
        const string started = """
            {"config":{"space":{"name":"sequential","sequential":{"layers":2,"units":[4,8],"activations":["relu"]}},
             "populationSize":6,"sampleSize":2,"budget":30,"mode":"Batch","batchSize":3,"maxAttempts":2,"maxFailures":5,
             "seed":77,"mutation":{"laterBias":1.5},"evaluator":"synthetic","settings":""},"at":"2024-01-02T03:04:05+01:00"}
            """;
        var s = (SearchStarted)EventSerializer.FromBytes(Encoding.UTF8.GetBytes(started), "search-started.v1");
        Assert.Equal(SchedulingMode.Batch, s.Config.Mode);
        Assert.Equal(new SequentialSpaceSettings { Layers = 2, Units = [4, 8], Activations = ["relu"] }, s.Config.Space.Sequential);
        Assert.Equal((6, 2, 30, 3, 2, 5, 77L, 1.5), (s.Config.PopulationSize, s.Config.SampleSize, s.Config.Budget, s.Config.BatchSize,
            s.Config.MaxAttempts, s.Config.MaxFailures, s.Config.Seed, s.Config.Mutation.LaterBias));
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(1)), s.At);

        const string proposed = """{"id":3,"parentId":1,"genotype":[1,2,3,4,0,1],"mutation":{"position":2,"from":0,"to":3},"tournament":[1,2],"batch":0,"at":"2024-01-02T03:04:05Z"}""";
        var p = (CandidateProposed)EventSerializer.FromBytes(Encoding.UTF8.GetBytes(proposed), "candidate-proposed.v1");
        Assert.Equal((3L, (long?)1, new Genotype([1, 2, 3, 4, 0, 1]), new Mutation(2, 0, 3)), (p.Id, p.ParentId, p.Genotype, p.Mutation));
        Assert.Equal(new long[] { 1, 2 }, p.Tournament!);

        const string evaluated = """{"id":3,"objective":"NaN","metrics":{"loss":"-Infinity"},"startedAt":"2024-01-02T03:04:05Z","finishedAt":"2024-01-02T03:04:06Z","worker":"w","node":"n","transferredLayers":2}""";
        var v = (CandidateEvaluated)EventSerializer.FromBytes(Encoding.UTF8.GetBytes(evaluated), "candidate-evaluated.v1");
        Assert.True(double.IsNaN(v.Objective));
        Assert.Equal(double.NegativeInfinity, v.Metrics!["loss"]);
        Assert.Null(v.CacheHit);
        Assert.Equal(2, v.TransferredLayers);
    }

    [Fact]
    public void A_genotype_that_is_not_an_array_of_integers_is_refused()
    {
        const string bad = """{"id":3,"genotype":"3,3,4","batch":0,"at":"2024-01-02T03:04:05Z"}""";
        Assert.Throws<JsonException>(() => EventSerializer.FromBytes(Encoding.UTF8.GetBytes(bad), "candidate-proposed.v1"));
    }

    [Fact]
    public void Random_results_round_trip_exactly() =>
        Gen.Select(Gen.Long[1, long.MaxValue], Gen.Double, Gen.Double.Array[0, 4], Gen.String, Gen.Int[0, 100], Gen.Int[0, 2])
            .Sample((id, objective, metrics, worker, layers, cache) =>
            {
                var e = new CandidateEvaluated(id, objective, metrics.Select((m, i) => (m, i)).ToDictionary(x => $"m{x.i}", x => x.m),
                    At, At.AddTicks(id % 1_000_000), worker, worker + "@node", layers, cache switch { 0 => null, 1 => true, _ => false });
                var back = (CandidateEvaluated)EventSerializer.FromBytes(EventSerializer.ToBytes(e), "candidate-evaluated.v1");
                Assert.Equal(e with { Metrics = null }, back with { Metrics = null });
                Assert.Equal(e.Metrics!.OrderBy(kv => kv.Key), back.Metrics!.OrderBy(kv => kv.Key));
                Assert.Equal(EventSerializer.ToBytes(e), EventSerializer.ToBytes(back));
            }, iter: 300);
}
