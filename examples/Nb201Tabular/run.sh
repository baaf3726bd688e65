#!/usr/bin/env bash
# Regularized Evolution on the real NAS-Bench-201 table: a search with the actors (one worker, answers at once),
# the same search with hybrid screening, a 32-worker search on the simulated clock, and the analysis of that one.
# Uses the table shipped with ActorNas (data/nb201); pass another table's path (CSV or .csv.gz) to use that one.
set -euo pipefail
cd "$(dirname "$0")/../.."
table=()
if [ $# -gt 0 ]; then
  if [ ! -f "$1" ]; then
    echo "error: NAS-Bench-201 table not found at $1; pass an existing path, or nothing for the shipped table" >&2
    exit 2
  fi
  table=(--table "$1")
fi
work="$(mktemp -d)"
dotnet build src/ActorNas.Cli -c Release -v quiet -nologo >/dev/null
actornas() { dotnet src/ActorNas.Cli/bin/Release/net10.0/actornas.dll "$@"; }
common=(--evaluator tabular "${table[@]}" --dataset cifar10 --population 10 --sample 3 --budget 100 --seed 1
        --db "$work/nb201.db")

actornas run "${common[@]}" --workers 1 --search-id rea
actornas run "${common[@]}" --workers 1 --search-id hybrid --screen-mutants 8 --proxy surrogate
actornas simulate --evaluator tabular "${table[@]}" --population 100 --sample 25 --budget 2000 --workers 32 \
  --db "$work/nb201.db" --search-id simulated-w32
actornas export --db "$work/nb201.db" --search-id rea --format csv --out "$work/rea.csv"
actornas analyze --db "$work/nb201.db" --search-id simulated-w32 --out "$work/analysis"
echo "the objective is CIFAR-10 validation accuracy; the test accuracy is in the log's metrics. Files in $work;"
echo "the study of the simulated search is $work/analysis/report.md"
