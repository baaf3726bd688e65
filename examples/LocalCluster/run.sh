#!/usr/bin/env bash
# A cluster search on this machine: one population node (`actornas seed`) and two evaluator nodes (`actornas worker`)
# on 127.0.0.1, the log in PostgreSQL. The connection string comes from the first argument or ACTORNAS_POSTGRES
# (or ACTORNAS_TEST_POSTGRES); the database must exist. Prints the population node's summary and the cluster's status.
set -euo pipefail
cd "$(dirname "$0")/../.."

pg="${1:-${ACTORNAS_POSTGRES:-${ACTORNAS_TEST_POSTGRES:-}}}"
if [ -z "$pg" ]; then
  cat >&2 <<'MSG'
error: no PostgreSQL connection string. A cluster search keeps its log in PostgreSQL (every population node reads it).
Pass one as the first argument or in ACTORNAS_POSTGRES, e.g.
  bash examples/LocalCluster/run.sh "Host=127.0.0.1;Port=5432;Database=actornas;Username=actornas;Password=..."
MSG
  exit 2
fi

dotnet build src/ActorNas.Cli -c Release -v quiet -nologo >/dev/null
actornas() { dotnet src/ActorNas.Cli/bin/Release/net10.0/actornas.dll "$@"; }

work="$(mktemp -d)"
port="${ACTORNAS_SEED_PORT:-4053}"
search="local-$(date +%Y%m%d-%H%M%S)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

# the cluster's settings: the shared log, and synthetic evaluations that take ~50 ms so that the workers have
# something to do (the default tabular evaluator answers at once)
cat > "$work/cluster.hocon" <<HOCON
actornas.persistence.provider = postgresql
actornas.persistence.postgresql.connection-string = "$pg"
actornas.evaluator.name = synthetic
actornas.evaluator.synthetic { duration = lognormal, mean = 50ms, sigma = 0.5 }
HOCON

actornas seed --search-id "$search" --budget 1500 --population 50 --sample 10 --config "$work/cluster.hocon" \
  --port "$port" --log-file "$work/seed.log" --json > "$work/seed.out" &
seed=$!; pids+=("$seed")
for i in 1 2; do
  actornas worker --join "127.0.0.1:$port" --slots 4 --config "$work/cluster.hocon" --log-file "$work/worker$i.log" > "$work/worker$i.out" &
  pids+=("$!")
done

# while it runs: who is in the cluster, how many slots each has, what each is evaluating
sleep 8
actornas status --join "127.0.0.1:$port" --config "$work/cluster.hocon" || true

wait "$seed"
cat "$work/seed.out"
echo "logs in $work"
