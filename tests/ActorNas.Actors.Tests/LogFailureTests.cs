using ActorNas.Actors.Runtime;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Protocol;
using ActorNas.Actors.Search;
using ActorNas.Core.Evaluation;
using Akka.Actor;
using Akka.Configuration;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit;
using Xunit.Abstractions;
using static ActorNas.Actors.Tests.PopulationFixture;

namespace ActorNas.Actors.Tests;

/// <summary>
/// The Population and its guardian when the journal fails: a fault that does not pass ends the search at once with
/// what the log holds; an outage is waited out within its grace and the search completes; past the grace it ends.
/// The journal is an in-memory one that fails on command with the exceptions the real plugins pass on.
/// </summary>
public sealed class LogFailureTests(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(BuildConfig(), output: output)
{
    private static Config BuildConfig() =>
        ConfigurationFactory.ParseString(FlakyJournal.Hocon + "\nakka.test.timefactor = 3\nakka.loglevel = WARNING")
            .WithFallback(ActorSystemConfig.Build(ActorNasConfig.Combine(), new PersistenceSettings(PersistenceProvider.InMemory, "", "", 1000)));

    private static SqliteException DiskFull() => new("SQLite Error 13: 'database or disk is full'.", 13);

    private static NpgsqlException ServerGone() =>
        new("Failed to connect to 127.0.0.1:5432", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused));

    private static ActorNasSettings Settings(string hocon) =>
        ActorNasSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString(hocon)));

    private SearchSession StartSearch(string id, string hocon) =>
        SearchSession.Start(Sys, new SearchSessionOptions(id, Settings(hocon).Search, true, Settings(hocon),
            _ => new SlowEnough(), "node"));

    /// <summary>A few milliseconds per evaluation: the search is still running when a test breaks its journal.</summary>
    private sealed class SlowEnough : IEvaluator
    {
        public async Task<EvaluationResult> EvaluateAsync(Candidate candidate, EvaluationContext context, CancellationToken cancellationToken)
        {
            await Task.Delay(2, cancellationToken);
            return new EvaluationResult(candidate.Genotype.Sum() / 30.0);
        }
    }

    private async Task WaitForEvaluated(SearchSession session, int evaluated)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await session.GetStatusAsync(TimeSpan.FromSeconds(10))).Evaluated < evaluated)
        {
            Assert.True(DateTime.UtcNow < deadline, $"fewer than {evaluated} evaluations after 60 s");
            await Task.Delay(20);
        }
    }

    /// <summary>What a fresh Population recovers from the journal: what was really recorded.</summary>
    private async Task<SearchStatus> RecoveredStatus(string id)
    {
        var population = Start(this, id, Config(), CreateTestProbe().Ref, createIfMissing: false);
        var status = await population.Ask<SearchStatus>(GetSearchStatus.Instance, TimeSpan.FromSeconds(10));
        await population.GracefulStop(TimeSpan.FromSeconds(10));
        return status;
    }

    [Fact]
    public async Task A_full_disk_ends_the_search_at_once_and_says_what_the_log_holds()
    {
        const string id = "disk-full";
        var session = StartSearch(id, "actornas.search { budget = 100000, population-size = 10, sample-size = 3 }\nactornas.evaluator.workers = 4");
        await WaitForEvaluated(session, 40);
        FlakyJournal.FailWrites(PersistenceConfig.PersistenceId(id), DiskFull());
        try
        {
            var outcome = await session.Completion.WaitAsync(TimeSpan.FromSeconds(15));   // no retry loop: it ends
            Assert.False(outcome.Completed);
            var fault = Assert.IsType<LogUnavailable>(outcome.LogFault);
            Assert.Equal(StoreFaultKind.DiskFull, fault.Fault.Kind);
            Assert.False(fault.Fault.Transient);
            await session.DisposeAsync();

            FlakyJournal.Heal(PersistenceConfig.PersistenceId(id));
            var recorded = await RecoveredStatus(id);
            Assert.Equal(recorded.Evaluated, fault.Evaluated);   // the message tells exactly what the log holds
            Assert.True(fault.Evaluated >= 40);
        }
        finally
        {
            FlakyJournal.Heal(PersistenceConfig.PersistenceId(id));
        }
    }

    [Fact]
    public async Task An_outage_shorter_than_its_grace_pauses_the_search_which_then_completes_exactly()
    {
        const string id = "outage-healed";
        var pid = PersistenceConfig.PersistenceId(id);
        var session = StartSearch(id, """
            actornas.search { budget = 300, population-size = 10, sample-size = 3 }
            actornas.evaluator.workers = 4
            actornas.evaluator.request-retry = 500ms
            actornas.persistence.outage-grace = 60s
            """);
        try
        {
            await WaitForEvaluated(session, 30);
            FlakyJournal.FailReplays(pid, ServerGone());
            FlakyJournal.FailWrites(pid, ServerGone());
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.False(session.Completion.IsCompleted);   // waiting, not ended
            FlakyJournal.Heal(pid);

            var outcome = await session.Completion.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(outcome.Completed, outcome.Error);
            Assert.Equal(300, outcome.Status!.Evaluated);
            await session.DisposeAsync();
            Assert.Equal(300, (await RecoveredStatus(id)).Evaluated);
        }
        finally
        {
            FlakyJournal.Heal(pid);
        }
    }

    [Fact]
    public async Task An_outage_past_its_grace_ends_the_search_with_the_fault()
    {
        const string id = "outage-too-long";
        var pid = PersistenceConfig.PersistenceId(id);
        var session = StartSearch(id, """
            actornas.search { budget = 100000, population-size = 10, sample-size = 3 }
            actornas.evaluator.workers = 2
            actornas.persistence.outage-grace = 3s
            """);
        try
        {
            await WaitForEvaluated(session, 20);
            FlakyJournal.FailReplays(pid, ServerGone());
            FlakyJournal.FailWrites(pid, ServerGone());
            var broken = DateTime.UtcNow;
            var outcome = await session.Completion.WaitAsync(TimeSpan.FromSeconds(30));
            var waited = DateTime.UtcNow - broken;
            Assert.False(outcome.Completed);
            var fault = Assert.IsType<LogUnavailable>(outcome.LogFault);
            Assert.Equal(StoreFaultKind.Unreachable, fault.Fault.Kind);
            Assert.True(fault.Fault.Transient);
            Assert.InRange(waited.TotalSeconds, 2.5, 20);
            await session.DisposeAsync();
        }
        finally
        {
            FlakyJournal.Heal(pid);
        }
    }

    [Fact]
    public void A_failed_completion_write_tells_no_worker_the_search_is_over()
    {
        const string id = "last-write";
        var pid = PersistenceConfig.PersistenceId(id);
        var listener = CreateTestProbe();
        var guardian = CreateTestProbe();
        var worker = CreateTestProbe();
        var waiter = CreateTestProbe();
        var population = Start(this, id, Config(budget: 3), listener.Ref, guardian: guardian.Ref);
        try
        {
            guardian.ExpectMsg<LogAvailable>();
            var candidate = Request(worker, population, "w0").Candidate;
            population.Tell(Done("w0", candidate.Id, 0.1), worker.Ref);
            candidate = worker.ExpectMsg<WorkAssigned>().Candidate;
            population.Tell(Done("w0", candidate.Id, 0.2), worker.Ref);
            var last = worker.ExpectMsg<WorkAssigned>().Candidate;
            population.Tell(new RequestWork("w1", "test-node"), waiter.Ref);   // waits: the rest of the budget is in flight

            FlakyJournal.FailWrites(pid, DiskFull());
            population.Tell(Done("w0", last.Id, 0.3), worker.Ref);   // the completing result: its write fails
            var report = guardian.ExpectMsg<LogUnavailable>();
            Assert.Equal(StoreFaultKind.DiskFull, report.Fault.Kind);
            Assert.Equal(2, report.Evaluated);
            worker.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
            waiter.ExpectNoMsg(TimeSpan.FromMilliseconds(100));   // no "search over" from a completion the journal never took
            listener.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        }
        finally
        {
            FlakyJournal.Heal(pid);
        }
    }

    [Fact]
    public void A_database_that_is_down_at_recovery_is_reported_as_unavailable_not_as_an_unreadable_log()
    {
        const string id = "down-at-start";
        var pid = PersistenceConfig.PersistenceId(id);
        var listener = CreateTestProbe();
        var guardian = CreateTestProbe();
        FlakyJournal.FailReplays(pid, ServerGone());
        try
        {
            Start(this, id, Config(), listener.Ref, guardian: guardian.Ref);
            var report = guardian.ExpectMsg<LogUnavailable>();
            Assert.Equal(StoreFaultKind.Unreachable, report.Fault.Kind);
            Assert.True(report.Fault.Transient);
            listener.ExpectNoMsg(TimeSpan.FromMilliseconds(300));   // the session is not told the search cannot run
        }
        finally
        {
            FlakyJournal.Heal(pid);
        }
    }
}
