namespace ActorNas.Benchmarks;

/// <summary>
/// The limit a run's utilisation is measured against: the same evaluation durations, in the order they started,
/// list-scheduled onto the same number of slots with zero overhead (no log, no messages): each job starts the moment
/// a slot is free, on the slot that frees first.
/// </summary>
internal static class IdealSchedule
{
    /// <param name="Whole">Busy time over slots x the makespan.</param>
    /// <param name="Steady">Busy time up to the last start over slots x the time to the last start (NaN when every job starts at 0).</param>
    public sealed record Result(double Whole, double Steady, TimeSpan Makespan);

    public static Result Of(IReadOnlyList<TimeSpan> durations, int slots)
    {
        if (durations.Count == 0) throw new ArgumentException("no durations to schedule", nameof(durations));
        var free = new PriorityQueue<int, long>(slots);   // slot by the tick it frees at
        for (var s = 0; s < slots; s++) free.Enqueue(s, 0);
        var starts = new long[durations.Count];
        long makespan = 0, busy = 0;
        for (var i = 0; i < durations.Count; i++)
        {
            free.TryDequeue(out var slot, out var at);
            starts[i] = at;
            var end = at + durations[i].Ticks;
            free.Enqueue(slot, end);
            makespan = Math.Max(makespan, end);
            busy += durations[i].Ticks;
        }
        var lastStart = starts.Max();
        var busyBeforeLastStart = 0L;
        for (var i = 0; i < durations.Count; i++) busyBeforeLastStart += Math.Max(0, Math.Min(starts[i] + durations[i].Ticks, lastStart) - starts[i]);
        var steady = lastStart > 0 ? (double)busyBeforeLastStart / ((double)slots * lastStart) : double.NaN;
        return new Result((double)busy / ((double)slots * makespan), steady, TimeSpan.FromTicks(makespan));
    }
}
