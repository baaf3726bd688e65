#!/usr/bin/env bash
# Start a search whose evaluations take a few milliseconds, kill -9 it mid-way, resume it, and show that the
# search still ends with exactly its budget evaluated.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
dotnet build src/ActorNas.Cli -c Release -v quiet -nologo >/dev/null
cli="dotnet src/ActorNas.Cli/bin/Release/net10.0/actornas.dll"
cat > "$work/slow.conf" <<'HOCON'
actornas.evaluator.synthetic { duration = lognormal, mean = 5ms }
HOCON

$cli run --budget 3000 --workers 8 --config "$work/slow.conf" --db "$work/crash.db" --search-id crash 2>/dev/null &
pid=$!
sleep 3
kill -9 "$pid" || true
wait "$pid" 2>/dev/null || true
echo "killed; what the log holds:"
$cli status --db "$work/crash.db" --search-id crash
echo "resuming:"
$cli resume --db "$work/crash.db" --search-id crash --json | tail -n 1
