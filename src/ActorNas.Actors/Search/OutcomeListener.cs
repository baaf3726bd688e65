using ActorNas.Actors.Protocol;
using Akka.Actor;

namespace ActorNas.Actors.Search;

/// <summary>Turns the Population's last word (the search ended, or it cannot run) into the outcome a caller awaits.</summary>
internal sealed class OutcomeListener : ReceiveActor
{
    public static Props Props(TaskCompletionSource<SearchOutcome> outcome) => Akka.Actor.Props.Create(() => new OutcomeListener(outcome));

    public OutcomeListener(TaskCompletionSource<SearchOutcome> outcome)
    {
        Receive<SearchEnded>(e => outcome.TrySetResult(new SearchOutcome(true, e.Status, null)));
        Receive<SearchCannotRun>(e => outcome.TrySetResult(SearchOutcome.CannotRun(e)));
    }
}
