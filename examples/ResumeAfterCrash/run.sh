#!/usr/bin/env bash
# Start a search whose evaluations take a few milliseconds, kill -9 it mid-way, resume it, and check that the search
# ends with exactly its budget evaluated. Usage: bash examples/ResumeAfterCrash/run.sh [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
dotnet build src/ActorNas.Cli -c Release -v quiet -nologo >/dev/null
actornas() { dotnet src/ActorNas.Cli/bin/Release/net10.0/actornas.dll "$@"; }
# the synthetic evaluator, made to take ~20 ms a candidate (the default tabular one answers at once)
cat > "$work/slow.conf" <<'HOCON'
actornas.evaluator.name = synthetic
actornas.evaluator.synthetic { duration = lognormal, mean = 20ms }
HOCON

# started directly (not through the shell function) so that $! is the search process itself
dotnet src/ActorNas.Cli/bin/Release/net10.0/actornas.dll run --budget 3000 --workers 8 --config "$work/slow.conf" --db "$work/crash.db" --search-id crash 2>/dev/null &
pid=$!
# kill it once it has recorded evaluations (start-up takes seconds on a busy machine), long before it can finish
for _ in $(seq 1 240); do
  if actornas status --db "$work/crash.db" --search-id crash --json 2>/dev/null | grep -Eq '"evaluated": ?[1-9]'; then break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.5
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
echo "killed with kill -9; what the log holds:"
actornas status --db "$work/crash.db" --search-id crash
if actornas status --db "$work/crash.db" --search-id crash --json | grep -q '"completed":true'; then
  echo "error: the search finished before it was killed; this machine is faster than expected, raise --budget" >&2
  exit 1
fi
echo "resuming:"
summary=$(actornas resume --db "$work/crash.db" --search-id crash --json | tail -n 1)
echo "$summary"
case "$summary" in
  *'"evaluated": 3000'*|*'"evaluated":3000'*) echo "resume ok: 3000 of 3000 evaluated, nothing lost or counted twice";;
  *) echo "error: the resumed search did not end with its budget of 3000 evaluated" >&2; exit 1;;
esac
