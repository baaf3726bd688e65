#!/usr/bin/env bash
# A tiny search on the NAS-Bench-201 space with the synthetic evaluator, then its status and a CSV export.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
actornas() { dotnet run --project src/ActorNas.Cli -c Release -- "$@"; }

actornas run --space nb201 --evaluator synthetic --budget 500 --population 50 --sample 10 --workers 4 \
  --db "$work/quickstart.db" --search-id quickstart
actornas status --db "$work/quickstart.db" --search-id quickstart
actornas export --db "$work/quickstart.db" --search-id quickstart --format csv --out "$work/quickstart.csv"
head -n 5 "$work/quickstart.csv"
echo "database and CSV are in $work"
