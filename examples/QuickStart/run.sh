#!/usr/bin/env bash
# A tiny search on the NAS-Bench-201 space with the synthetic evaluator (seconds on a CPU), then its status, a CSV
# export and the analysis report. Usage: bash examples/QuickStart/run.sh [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
dotnet build src/ActorNas.Cli -c Release -v quiet -nologo >/dev/null
actornas() { dotnet src/ActorNas.Cli/bin/Release/net10.0/actornas.dll "$@"; }

actornas run --space nb201 --evaluator synthetic --budget 500 --population 50 --sample 10 --workers 4 \
  --db "$work/quickstart.db" --search-id quickstart
actornas status --db "$work/quickstart.db" --search-id quickstart
actornas export --db "$work/quickstart.db" --search-id quickstart --format csv --out "$work/quickstart.csv"
head -n 3 "$work/quickstart.csv"
actornas analyze --db "$work/quickstart.db" --search-id quickstart --out "$work/analysis" >/dev/null
evaluated=$(($(wc -l < "$work/quickstart.csv") - 1))
if [ "$evaluated" -ne 500 ]; then echo "error: expected 500 candidates in the export, found $evaluated" >&2; exit 1; fi
echo "quickstart ok: 500 candidates; database, CSV and analysis ($work/analysis/report.md) are in $work"
