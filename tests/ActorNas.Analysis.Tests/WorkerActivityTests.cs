using Xunit;

namespace ActorNas.Analysis.Tests;

public sealed class WorkerActivityTests
{
    private const double Eps = 1e-12;

    //   w1 (n1): c1 [0, 4]  c3 [5, 8]  c5 [8, 12] failed     gaps: 1 (4 -> 5), 0 (8 -> 8, not a gap)
    //   w2 (n2): c2 [1, 3]  c4 [6, 11]                      gaps: 3 (3 -> 6)
    // given out of order
    private static readonly List<WorkerTask> Tasks =
    [
        new(4, "w2", "n2", 6, 11, TaskOutcome.Evaluated),
        new(1, "w1", "n1", 0, 4, TaskOutcome.Evaluated),
        new(5, "w1", "n1", 8, 12, TaskOutcome.Failed),
        new(2, "w2", "n2", 1, 3, TaskOutcome.Evaluated),
        new(3, "w1", "n1", 5, 8, TaskOutcome.Evaluated),
    ];

    [Fact]
    public void Span_utilisation_and_idle_gaps_per_worker()
    {
        var a = WorkerActivity.Compute(Tasks, 2);
        Assert.Equal(0.0, a.SpanStart);
        Assert.Equal(12.0, a.SpanEnd);
        Assert.Equal(12.0, a.Span);

        // w1 busy 4 + 3 + 4 = 11 -> 11/12; w2 busy 2 + 5 = 7 -> 7/12
        Assert.Equal(
        [
            new WorkerSummary("w1", "n1", 3, 11, 11.0 / 12, IdleGapTotal: 1, IdleGaps: 1, FirstTaskDuration: 4, MeanLaterTaskDuration: 3.5),
            new WorkerSummary("w2", "n2", 2, 7, 7.0 / 12, IdleGapTotal: 3, IdleGaps: 1, FirstTaskDuration: 2, MeanLaterTaskDuration: 5),
        ], a.Workers);
        // overall: (11 + 7) / (2 workers * 12 s)
        Assert.Equal(18.0 / 24, a.Utilization, Eps);
        Assert.Equal([1.0, 3], a.IdleGaps);
    }

    [Fact]
    public void Durations_first_against_later_and_the_last_window()
    {
        var a = WorkerActivity.Compute(Tasks, 2);
        Assert.Equal([5.0, 4, 4, 2, 3], a.Durations);                       // in the order given
        Assert.Equal((4 + 2) / 2.0, a.MeanFirstTaskDuration, Eps);          // w1's 4, w2's 2
        Assert.Equal((3 + 4 + 5) / 3.0, a.MeanLaterTaskDuration, Eps);      // pooled later tasks
        // the two tasks that ended last: c4 (ends 11, 5 s) then c5 (ends 12, 4 s)
        Assert.Equal([5.0, 4], a.LastWindowDurations);
        Assert.Equal([3.0, 5, 4], WorkerActivity.Compute(Tasks, 3).LastWindowDurations);
        // every task, by end: c2 3, c1 4, c3 8, c4 11, c5 12
        Assert.Equal([2.0, 4, 3, 5, 4], WorkerActivity.Compute(Tasks, 100).LastWindowDurations);
    }

    [Fact]
    public void The_timeline_is_by_start()
    {
        var a = WorkerActivity.Compute(Tasks, 2);
        Assert.Equal([1L, 2, 3, 4, 5], a.Timeline.Select(t => t.CandidateId));
    }

    [Fact]
    public void Workers_are_ordered_by_name_ordinally_and_late_starters_idle_only_between_tasks()
    {
        // "W" < "w" ordinally; the time before a worker's first task is not an idle gap
        List<WorkerTask> tasks =
        [
            new(1, "w", "n", 0, 10, TaskOutcome.Evaluated),
            new(2, "W", "n", 6, 8, TaskOutcome.Released),
            new(3, "W", "n", 9, 10, TaskOutcome.Unfinished),
        ];
        var a = WorkerActivity.Compute(tasks, 5);
        Assert.Equal(["W", "w"], a.Workers.Select(w => w.Worker));
        Assert.Equal([1.0], a.IdleGaps);
        Assert.Equal(3.0 / 10, a.Workers[0].Utilization, Eps);
        Assert.Equal(1.0, a.Workers[1].Utilization, Eps);
        Assert.Equal(13.0 / 20, a.Utilization, Eps);
        Assert.True(double.IsNaN(a.Workers[1].MeanLaterTaskDuration));     // one task only
        Assert.Equal(1.0, a.Workers[0].MeanLaterTaskDuration);
    }

    [Fact]
    public void No_tasks_or_a_zero_span_give_undefined_utilisation()
    {
        var none = WorkerActivity.Compute([], 3);
        Assert.Empty(none.Workers);
        Assert.Empty(none.Timeline);
        Assert.Equal(0.0, none.Span);
        Assert.True(double.IsNaN(none.Utilization));
        Assert.True(double.IsNaN(none.MeanFirstTaskDuration));
        Assert.True(double.IsNaN(none.MeanLaterTaskDuration));

        var instant = WorkerActivity.Compute([new WorkerTask(1, "w", "n", 5, 5, TaskOutcome.Failed)], 3);
        Assert.Equal(0.0, instant.Span);
        Assert.True(double.IsNaN(instant.Utilization));
        Assert.True(double.IsNaN(instant.Workers[0].Utilization));
        Assert.Equal(0.0, instant.MeanFirstTaskDuration);
        Assert.True(double.IsNaN(instant.MeanLaterTaskDuration));
    }
}
