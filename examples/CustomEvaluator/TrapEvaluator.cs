using ActorNas.Core.Evaluation;

/// <summary>
/// The user's own objective: the deceptive trap function, a classic hard case for evolution. A block of 5 bits scores 5
/// when all are 1, otherwise 4 minus its ones, so every block pulls towards 00000 while the optimum is all ones
/// (score 20). It stands in for real work with a short wait.
/// </summary>
internal sealed class TrapEvaluator : IEvaluator
{
    public async Task<EvaluationResult> EvaluateAsync(Candidate candidate, EvaluationContext context, CancellationToken cancellationToken)
    {
        await Task.Delay(2, cancellationToken);
        var score = 0;
        for (var b = 0; b < TrapSpace.Blocks; b++)
        {
            var ones = candidate.Genotype.Skip(b * TrapSpace.BlockSize).Take(TrapSpace.BlockSize).Sum();
            score += ones == TrapSpace.BlockSize ? TrapSpace.BlockSize : TrapSpace.BlockSize - 1 - ones;
        }
        return new EvaluationResult(score, new Dictionary<string, double> { ["allOnesBlocks"] = CountFullBlocks(candidate) });
    }

    private static int CountFullBlocks(Candidate candidate) =>
        Enumerable.Range(0, TrapSpace.Blocks).Count(b => candidate.Genotype.Skip(b * TrapSpace.BlockSize).Take(TrapSpace.BlockSize).All(v => v == 1));
}
