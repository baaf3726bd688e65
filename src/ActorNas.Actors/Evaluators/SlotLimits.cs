using ActorNas.Actors.Configuration;
using ActorNas.Core.Evolution;

namespace ActorNas.Actors.Evaluators;

/// <summary>The time limits of an evaluator slot (actornas.evaluator.*).</summary>
/// <param name="Timeout">A fixed per-candidate limit; null = none, or <paramref name="AutoTimeout"/>.</param>
/// <param name="AutoTimeout">Use the limit the Population sends with each candidate (timeout = auto) ...</param>
/// <param name="AutoFloor">... but never less than this.</param>
/// <param name="AbandonAfter">How long a timed-out evaluation may take to stop before its evaluator is replaced.</param>
/// <param name="RequestRetry">An idle slot that heard nothing for this long asks for work again.</param>
/// <param name="Lookahead">Candidates the slot holds beyond the one it evaluates.</param>
public sealed record SlotLimits(TimeSpan? Timeout, bool AutoTimeout, TimeSpan AutoFloor, TimeSpan AbandonAfter, TimeSpan RequestRetry, int Lookahead = 0)
{
    public static SlotLimits Of(EvaluatorSettings evaluator) =>
        new(evaluator.Timeout, evaluator.AutoTimeout, evaluator.AutoTimeoutFloor, evaluator.AbandonAfter, evaluator.RequestRetry, evaluator.Lookahead);

    /// <summary>How many candidates the slot holds at most: the one it evaluates and its lookahead.</summary>
    public int Capacity => 1 + Lookahead;

    /// <summary>The limit of one candidate: the fixed one, else the Population's auto limit when asked for, else none.</summary>
    public TimeSpan? For(TimeSpan? autoLimit) => Timeout ?? (AutoTimeout ? EvaluationLimits.WithFloor(autoLimit, AutoFloor) : null);
}
