namespace ActorNas.Actors.Evaluators.Command;

/// <summary>
/// The bash script every candidate process runs under. Started as <c>setsid setpriv --pdeathsig TERM -- bash -c SCRIPT</c>,
/// it leads a session and process group of its own (so the whole group, the command's children included, can be
/// signalled) and gets SIGTERM when the search process dies, even by kill -9. On SIGTERM (a timeout, an interrupt, the
/// search gone) it passes SIGTERM to the group, gives the command the grace period, then SIGKILLs the group with itself.
/// </summary>
internal static class GroupWrapper
{
    /// <summary>The name the wrapper runs under ($0), seen in ps.</summary>
    public const string Name = "actornas-command";

    // $1: the search process's pid (when it is already gone, pdeathsig came too late: start nothing); $2: grace in ms.
    // The command runs in the background so that `wait` returns on a trapped signal; its stdin is the wrapper's
    // (bash would give a background command /dev/null).
    public const string Script = """
        parent=$1; grace_ms=$2; shift 2
        [ "$PPID" = "$parent" ] || { echo "actornas: the search process $parent is gone; not starting $1" >&2; exit 111; }
        stop() {
          trap '' TERM INT HUP
          kill -TERM -- -$$ 2>/dev/null
          i=0
          while kill -0 "$child" 2>/dev/null && [ "$i" -lt "$((grace_ms / 100))" ]; do sleep 0.1; i=$((i + 1)); done
          kill -KILL -- -$$
        }
        trap stop TERM INT HUP
        exec 3<&0 </dev/null
        "$@" <&3 3<&- &
        child=$!
        exec 3<&-
        wait "$child"
        """;
}
