using ActorNas.Core.Evaluation;

namespace ActorNas.Actors.Tests;

/// <summary>Evaluations wait until the test releases them (objective 0.5); the test sees which started and how many run.</summary>
internal sealed class GatedEvaluator : IEvaluator
{
    public readonly TaskCompletionSource Release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public readonly System.Collections.Concurrent.ConcurrentDictionary<long, int> Started = new();
    public int Running;

    public async Task<EvaluationResult> EvaluateAsync(Candidate candidate, EvaluationContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Running);
        Started.TryAdd(candidate.Id, 1);
        try
        {
            await Release.Task.ConfigureAwait(false);
            return new EvaluationResult(0.5);
        }
        finally
        {
            Interlocked.Decrement(ref Running);
        }
    }
}
