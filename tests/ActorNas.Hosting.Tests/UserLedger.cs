using Akka.Actor;
using Akka.Persistence;

namespace ActorNas.Hosting.Tests;

/// <summary>A persistent actor of the user's own, on the system's default journal: it answers each number with the running sum.</summary>
internal sealed class UserLedger : ReceivePersistentActor
{
    private int _sum;

    public override string PersistenceId => "user-ledger";

    public UserLedger()
    {
        Recover<int>(n => _sum += n);
        Command<int>(n => Persist(n, _ => { _sum += n; Sender.Tell(_sum); }));
    }
}
