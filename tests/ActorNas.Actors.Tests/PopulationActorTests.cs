using ActorNas.Actors.Protocol;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;
using static ActorNas.Actors.Tests.PopulationFixture;

namespace ActorNas.Actors.Tests;

public sealed class PopulationActorTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    [Fact]
    public async Task Warm_up_is_random_then_tournaments_and_the_oldest_retires_first()
    {
        var listener = CreateTestProbe();
        var worker = CreateTestProbe();
        var population = Start(this, "warmup", Config(population: 4, sample: 2, budget: 12), listener.Ref);

        var candidates = new List<Core.Evaluation.Candidate> { Request(worker, population, "w0").Candidate };
        for (var i = 0; i < 11; i++)
        {
            var c = candidates[^1];
            population.Tell(Done("w0", c.Id, c.Id % 5 * 0.1), worker.Ref);
            candidates.Add(worker.ExpectMsg<WorkAssigned>().Candidate);
        }
        population.Tell(Done("w0", candidates[^1].Id, 0.5), worker.Ref);
        listener.ExpectMsg<SearchEnded>(e => Assert.Equal(12, e.Status.Evaluated));

        Assert.All(candidates.Take(4), c => Assert.Null(c.ParentId));
        Assert.All(candidates.Skip(4), c => Assert.NotNull(c.ParentId));

        var log = await ReadLogAsync("warmup");
        var retired = log.OfType<CandidateRetired>().Select(r => r.Id).ToList();
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), retired);   // 12 evaluated, P = 4: ids 1..8 retire in order
        foreach (var proposal in log.OfType<CandidateProposed>().Where(p => p.ParentId is not null))
        {
            Assert.NotNull(proposal.Tournament);
            Assert.Contains(proposal.ParentId!.Value, proposal.Tournament!);
            Assert.Equal(2, proposal.Tournament!.Count);
            Assert.NotNull(proposal.Mutation);
        }
        Assert.Single(log.OfType<SearchCompleted>());
    }

    [Fact]
    public async Task A_result_that_arrives_twice_is_recorded_once()
    {
        var worker = CreateTestProbe();
        var other = CreateTestProbe();
        var population = Start(this, "duplicate", Config(budget: 5), CreateTestProbe().Ref);
        var candidate = Request(worker, population, "w0").Candidate;

        population.Tell(Done("w0", candidate.Id, 0.7), worker.Ref);
        worker.ExpectMsg<WorkAssigned>();
        population.Tell(Done("w1", candidate.Id, 0.9), other.Ref);
        other.ExpectMsg<WorkAssigned>();

        var status = await population.Ask<SearchStatus>(GetSearchStatus.Instance, TimeSpan.FromSeconds(10));
        Assert.Equal(1, status.Evaluated);
        var evaluated = (await ReadLogAsync("duplicate")).OfType<CandidateEvaluated>().ToList();
        var only = Assert.Single(evaluated);
        Assert.Equal(0.7, only.Objective);
    }

    [Fact]
    public async Task A_failing_candidate_is_retried_then_given_up()
    {
        var worker = CreateTestProbe();
        var population = Start(this, "retry", Config(budget: 5, maxAttempts: 2), CreateTestProbe().Ref);
        var first = Request(worker, population, "w0").Candidate;
        Assert.Equal(1, first.Attempt);

        population.Tell(new WorkFailed("w0", "test-node", first.Id, "boom", DateTimeOffset.UtcNow), worker.Ref);
        var retry = worker.ExpectMsg<WorkAssigned>().Candidate;
        Assert.Equal(first.Id, retry.Id);
        Assert.Equal(2, retry.Attempt);
        Assert.Equal(first.Genotype, retry.Genotype);

        population.Tell(new WorkFailed("w0", "test-node", first.Id, "boom again", DateTimeOffset.UtcNow), worker.Ref);
        var next = worker.ExpectMsg<WorkAssigned>().Candidate;
        Assert.NotEqual(first.Id, next.Id);

        var failures = (await ReadLogAsync("retry")).OfType<CandidateFailed>().ToList();
        Assert.Equal(2, failures.Count);
        Assert.All(failures, f => Assert.Equal(first.Id, f.Id));
        Assert.False(failures[0].Final);
        Assert.True(failures[1].Final);
        var status = await population.Ask<SearchStatus>(GetSearchStatus.Instance, TimeSpan.FromSeconds(10));
        Assert.Equal(1, status.FinalFailures);
    }

    [Fact]
    public void Batch_mode_hands_out_nothing_until_the_whole_batch_is_done()
    {
        var workers = Enumerable.Range(0, 4).Select(_ => CreateTestProbe()).ToArray();
        var population = Start(this, "batch", Config(budget: 20, mode: SchedulingMode.Batch, batch: 3), CreateTestProbe().Ref);
        var batch = Enumerable.Range(0, 3).Select(i => Request(workers[i], population, $"w{i}").Candidate).ToArray();

        population.Tell(new RequestWork("w3", "test-node"), workers[3].Ref);
        workers[3].ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        population.Tell(Done("w0", batch[0].Id, 0.1), workers[0].Ref);
        population.Tell(Done("w1", batch[1].Id, 0.2), workers[1].Ref);
        workers[3].ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        workers[0].ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        population.Tell(Done("w2", batch[2].Id, 0.3), workers[2].Ref);
        var next = workers[3].ExpectMsg<WorkAssigned>().Candidate;   // the longest waiting worker goes first
        Assert.True(next.Id > batch.Max(c => c.Id));
    }

    [Fact]
    public async Task Recovery_hands_out_again_what_was_running_and_keeps_every_result()
    {
        var config = Config(budget: 10);
        var a = CreateTestProbe();
        var b = CreateTestProbe();
        var first = Start(this, "recover", config, CreateTestProbe().Ref);
        var done = Request(a, first, "a").Candidate;
        first.Tell(Done("a", done.Id, 0.4), a.Ref);
        var runningA = a.ExpectMsg<WorkAssigned>().Candidate;
        var runningB = Request(b, first, "b").Candidate;
        await first.GracefulStop(TimeSpan.FromSeconds(10));

        var second = Start(this, "recover", config, CreateTestProbe().Ref, createIfMissing: false);
        var status = await second.Ask<SearchStatus>(GetSearchStatus.Instance, TimeSpan.FromSeconds(10));
        Assert.Equal(1, status.Evaluated);
        Assert.Equal(2, status.Queued);
        var again = new[] { Request(CreateTestProbe(), second, "c").Candidate.Id, Request(CreateTestProbe(), second, "d").Candidate.Id };
        Assert.Equal(new[] { runningA.Id, runningB.Id }.Order(), again.Order());

        var released = (await ReadLogAsync("recover")).OfType<CandidateReleased>().Select(r => r.Id).Order();
        Assert.Equal(new[] { runningA.Id, runningB.Id }.Order(), released);
    }

    [Fact]
    public async Task A_snapshot_and_the_events_after_it_restore_the_same_state()
    {
        var config = Config(population: 3, sample: 2, budget: 30);
        var worker = CreateTestProbe();
        var first = Start(this, "snapshots", config, CreateTestProbe().Ref, snapshotEvery: 7);
        var candidate = Request(worker, first, "w").Candidate;
        for (var i = 0; i < 12; i++)
        {
            first.Tell(Done("w", candidate.Id, (candidate.Id * 37 % 11) / 11.0), worker.Ref);
            candidate = worker.ExpectMsg<WorkAssigned>().Candidate;
        }
        var before = await first.Ask<SearchStatus>(GetSearchStatus.Instance, TimeSpan.FromSeconds(10));
        await first.GracefulStop(TimeSpan.FromSeconds(10));

        var second = Start(this, "snapshots", config, CreateTestProbe().Ref, createIfMissing: false, snapshotEvery: 7);
        var after = await second.Ask<SearchStatus>(GetSearchStatus.Instance, TimeSpan.FromSeconds(10));
        Assert.Equal(before.Evaluated, after.Evaluated);
        Assert.Equal(before.Best, after.Best);
        Assert.Equal(before.PopulationCount, after.PopulationCount);
        Assert.Equal(1, after.Queued);   // the candidate the worker held is released, not lost
        var replayed = SearchState.Replay(await ReadLogAsync("snapshots"));
        Assert.Equal(before.Evaluated, replayed.Evaluated);
    }

    [Fact]
    public void Resuming_a_search_that_does_not_exist_is_refused()
    {
        var listener = CreateTestProbe();
        Start(this, "missing", Config(), listener.Ref, createIfMissing: false);
        var refused = listener.ExpectMsg<SearchCannotRun>();
        Assert.Contains("missing", refused.Reason);
    }

    [Fact]
    public async Task A_worker_that_dies_gives_its_candidate_back()
    {
        var doomed = CreateTestProbe();
        var survivor = CreateTestProbe();
        var population = Start(this, "death", Config(budget: 10), CreateTestProbe().Ref);
        var lost = Request(doomed, population, "doomed").Candidate;
        Sys.Stop(doomed.Ref);

        await AwaitAssertAsync(async () =>
        {
            var status = await population.Ask<SearchStatus>(GetSearchStatus.Instance, TimeSpan.FromSeconds(5));
            Assert.Equal(1, status.Queued);
        }, TimeSpan.FromSeconds(15));
        Assert.Equal(lost.Id, Request(survivor, population, "survivor").Candidate.Id);
        Assert.Contains((await ReadLogAsync("death")).OfType<CandidateReleased>(), r => r.Id == lost.Id);
    }
}
