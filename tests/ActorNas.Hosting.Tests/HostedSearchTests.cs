using ActorNas.Actors.Query;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using ActorNas.Hosting;
using ActorNas.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace ActorNas.Hosting.Tests;

/// <summary>A user's own objective: the sum of the genotype's values, after a short pause.</summary>
internal sealed class SumEvaluator(int delayMs = 0) : IEvaluator
{
    public async Task<EvaluationResult> EvaluateAsync(Candidate candidate, EvaluationContext context, CancellationToken cancellationToken)
    {
        if (delayMs > 0) await Task.Delay(delayMs, cancellationToken);
        return new EvaluationResult(candidate.Genotype.Sum());
    }
}

public sealed class HostedSearchTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private IHost Build(int budget, int delayMs = 0)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddActorNas(o =>
        {
            o.SearchId = "hosted";
            o.DatabasePath = _scratch.File("hosted.db");
            o.PopulationSize = 10;
            o.SampleSize = 3;
            o.Budget = budget;
            o.Workers = 2;
            o.Seed = 11;
            o.Evaluator = (_, _) => new SumEvaluator(delayMs);
        });
        return builder.Build();
    }

    [Fact]
    public async Task A_hosted_search_completes_with_a_custom_evaluator_and_a_subscriber_sees_every_event_once_in_order()
    {
        using var host = Build(budget: 60);
        await host.StartAsync();
        var search = host.Services.GetRequiredService<ActorNasSearch>();

        var received = new List<LoggedEvent>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await foreach (var e in search.SubscribeAsync(0, timeout.Token)) received.Add(e);
        var outcome = await search.WaitForCompletionAsync(timeout.Token);
        await host.StopAsync();

        Assert.True(outcome.Completed, outcome.Error);
        Assert.Equal(60, outcome.Status!.Evaluated);
        Assert.Equal(Enumerable.Range(1, received.Count).Select(i => (long)i), received.Select(e => e.SequenceNr));
        Assert.IsType<SearchStarted>(received[0].Event);
        Assert.IsType<SearchCompleted>(received[^1].Event);
        Assert.Equal(60, received.Count(e => e.Event is CandidateEvaluated));
        // the custom objective is what was recorded
        var evaluated = received.Select(e => e.Event).OfType<CandidateEvaluated>().ToList();
        var proposed = received.Select(e => e.Event).OfType<CandidateProposed>().ToDictionary(p => p.Id);
        Assert.All(evaluated, v => Assert.Equal(proposed[v.Id].Genotype.Sum(), v.Objective));
    }

    [Fact]
    public async Task A_subscription_from_an_offset_starts_right_after_it()
    {
        using var host = Build(budget: 20);
        await host.StartAsync();
        var search = host.Services.GetRequiredService<ActorNasSearch>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var all = new List<LoggedEvent>();
        await foreach (var e in search.SubscribeAsync(0, timeout.Token)) all.Add(e);

        var tail = new List<LoggedEvent>();
        await foreach (var e in search.SubscribeAsync(10, timeout.Token)) tail.Add(e);
        await host.StopAsync();

        Assert.Equal(all.Skip(10).Select(e => e.SequenceNr), tail.Select(e => e.SequenceNr));
        Assert.Equal(all.Skip(10).Select(e => e.Event.GetType()), tail.Select(e => e.Event.GetType()));
    }

    [Fact]
    public async Task Stopping_the_host_stops_the_search_cleanly_and_a_new_host_resumes_it()
    {
        using (var first = Build(budget: 40, delayMs: 30))
        {
            await first.StartAsync();
            var search = first.Services.GetRequiredService<ActorNasSearch>();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((await search.GetStatusAsync(TimeSpan.FromSeconds(5))).Evaluated < 5 && DateTime.UtcNow < deadline) await Task.Delay(50);
            var stop = first.StopAsync();
            Assert.True(await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(30))) == stop, "the host did not stop within 30 s");
            var outcome = await search.WaitForCompletionAsync();
            Assert.False(outcome.Completed);
        }
        // what the first host recorded before it stopped
        var before = await LogReading.FromSqliteAsync(_scratch.File("hosted.db"), "hosted");
        var evaluatedBefore = before.OfType<CandidateEvaluated>().Select(e => e.Id).ToList();
        Assert.InRange(evaluatedBefore.Count, 5, 39);
        Assert.DoesNotContain(before, e => e is SearchCompleted);

        using var second = Build(budget: 40);
        await second.StartAsync();
        var resumed = second.Services.GetRequiredService<ActorNasSearch>();
        // the second host starts from the recorded count, not from zero
        Assert.True((await resumed.GetStatusAsync(TimeSpan.FromSeconds(30))).Evaluated >= evaluatedBefore.Count);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var end = await resumed.WaitForCompletionAsync(timeout.Token);
        var after = new List<LoggedEvent>();
        await foreach (var e in resumed.SubscribeAsync(0, timeout.Token)) after.Add(e);
        await second.StopAsync();
        Assert.True(end.Completed, end.Error);
        Assert.Equal(40, end.Status!.Evaluated);

        // one log, continued: the first host's events are its beginning, unchanged, with the same candidate ids; one
        // SearchStarted; each candidate evaluated once, those of the first host included
        var log = after.Select(e => e.Event).ToList();
        Assert.Equal(before.Select(e => e.GetType()), log.Take(before.Count).Select(e => e.GetType()));
        Assert.Equal(before.OfType<CandidateProposed>().Select(p => (p.Id, string.Join(',', p.Genotype))),
            log.Take(before.Count).OfType<CandidateProposed>().Select(p => (p.Id, string.Join(',', p.Genotype))));
        Assert.Single(log.OfType<SearchStarted>());
        var evaluated = log.OfType<CandidateEvaluated>().Select(e => e.Id).ToList();
        Assert.Equal(40, evaluated.Count);
        Assert.Equal(evaluated.Count, evaluated.Distinct().Count());
        Assert.Equal(evaluatedBefore, evaluated.Take(evaluatedBefore.Count));
    }

    [Fact]
    public async Task Pause_holds_back_new_work_until_resume_and_the_pause_outlives_a_restart()
    {
        using (var first = Build(budget: 30, delayMs: 20))
        {
            await first.StartAsync();
            var search = first.Services.GetRequiredService<ActorNasSearch>();
            await WaitForEvaluated(search, 3);
            var paused = await search.PauseAsync("maintenance", TimeSpan.FromSeconds(30));
            Assert.True(paused.Paused);
            // running evaluations finish; after that nothing new starts
            var settled = await WaitForIdle(search);
            await Task.Delay(500);
            var later = await search.GetStatusAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(settled.Evaluated, later.Evaluated);
            Assert.Equal(0, later.Running);
            Assert.False(later.IsCompleted);
            await first.StopAsync();
        }

        using var second = Build(budget: 30);
        await second.StartAsync();
        var resumed = second.Services.GetRequiredService<ActorNasSearch>();
        var status = await resumed.GetStatusAsync(TimeSpan.FromSeconds(30));
        Assert.True(status.Paused, "a restarted host keeps the search paused");
        await Task.Delay(500);
        Assert.Equal(status.Evaluated, (await resumed.GetStatusAsync(TimeSpan.FromSeconds(5))).Evaluated);

        Assert.False((await resumed.ResumeAsync(TimeSpan.FromSeconds(30))).Paused);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var end = await resumed.WaitForCompletionAsync(timeout.Token);
        var events = new List<LoggedEvent>();
        await foreach (var e in resumed.SubscribeAsync(0, timeout.Token)) events.Add(e);
        await second.StopAsync();

        Assert.True(end.Completed, end.Error);
        Assert.Equal(30, end.Status!.Evaluated);
        Assert.Equal("maintenance", Assert.Single(events.Select(e => e.Event).OfType<SearchPaused>()).Reason);
        Assert.Single(events.Select(e => e.Event).OfType<SearchResumed>());
        // nothing started between the pause and the resume
        var between = events.SkipWhile(e => e.Event is not SearchPaused).TakeWhile(e => e.Event is not SearchResumed);
        Assert.DoesNotContain(between, e => e.Event is CandidateStarted or CandidateProposed);
    }

    [Fact]
    public async Task Stop_ends_the_search_early_with_a_stopped_reason()
    {
        using var host = Build(budget: 1000, delayMs: 20);
        await host.StartAsync();
        var search = host.Services.GetRequiredService<ActorNasSearch>();
        await WaitForEvaluated(search, 5);
        var stopped = await search.StopAsync("good enough", TimeSpan.FromSeconds(30));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var end = await search.WaitForCompletionAsync(timeout.Token);
        await host.StopAsync();

        Assert.Equal("stopped: good enough", stopped.CompletionReason);
        Assert.True(end.Completed);
        Assert.Equal("stopped: good enough", end.Status!.CompletionReason);
        Assert.InRange(end.Status.Evaluated, 5, 999);
    }

    private static async Task WaitForEvaluated(ActorNasSearch search, int evaluated)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await search.GetStatusAsync(TimeSpan.FromSeconds(10))).Evaluated < evaluated)
        {
            Assert.True(DateTime.UtcNow < deadline, $"fewer than {evaluated} evaluated after 60 s");
            await Task.Delay(50);
        }
    }

    private static async Task<ActorNas.Actors.Protocol.SearchStatus> WaitForIdle(ActorNasSearch search)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = await search.GetStatusAsync(TimeSpan.FromSeconds(10));
            if (status.Running == 0) return status;
            Assert.True(DateTime.UtcNow < deadline, "evaluations still running 60 s after the pause");
            await Task.Delay(50);
        }
    }
}
