namespace ActorNas.Core.Evolution;

/// <summary>Sends every candidate running on <paramref name="Worker"/> back to the queue (none: no events).</summary>
public sealed record ReleaseWorker(string Worker, string Reason, DateTimeOffset At) : ISearchCommand
{
    /// <summary>
    /// After a slot's report (a result or a failure): a slot without a lookahead (capacity 1) holds nothing once it
    /// reports, so anything still on it went astray and goes back to the queue; a slot with a lookahead has already
    /// started the next candidate it holds, which stays where it is (null).
    /// </summary>
    public static ReleaseWorker? AfterReport(string worker, int capacity, DateTimeOffset at) =>
        capacity <= 1 ? new ReleaseWorker(worker, "its worker asked for new work", at) : null;
}
