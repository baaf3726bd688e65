#!/usr/bin/env bash
# Real TorchSharp training on Fashion-MNIST (CPU, or the GPU when there is one) over the sequential space, with weight
# transfer: a child starts from every layer it shares with an evaluated model. Then the export shows, per candidate,
# how many layers it inherited. Usage: bash examples/TrainWithTransfer/run.sh [WORK_DIR] [BUDGET]
set -euo pipefail
cd "$(dirname "$0")/../.."
work="${1:-$(mktemp -d)}"
budget="${2:-24}"
mkdir -p "$work"
if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  echo "error: Fashion-MNIST is not installed; install it with: sudo apt-get install dataset-fashion-mnist" >&2
  exit 2
fi
dotnet build src/ActorNas.Cli -c Release -v quiet -nologo >/dev/null
actornas() { dotnet src/ActorNas.Cli/bin/Release/net10.0/actornas.dll "$@"; }
cat > "$work/train.conf" <<'HOCON'
# small enough for a CPU: 2,000 training and 500 validation images, one epoch per candidate
actornas.evaluator.train { dataset = fashion-mnist, train-images = 2000, validation-images = 500, epochs = 1, transfer = true }
actornas.space.sequential { layers = 6, units = [16, 32, 64], activations = [relu, tanh] }
HOCON

actornas run --space sequential --evaluator train --budget "$budget" --population 8 --sample 3 --workers 2 --seed 3 \
  --config "$work/train.conf" --db "$work/train.db" --search-id transfer
actornas export --db "$work/train.db" --search-id transfer --format csv --out "$work/transfer.csv"
# the export has one row per candidate with its status and the training metrics as metric:NAME columns (docs/cli.md)
if command -v python3 >/dev/null 2>&1; then
  python3 - "$work/transfer.csv" "$budget" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
done = [r for r in rows if r["status"] == "evaluated"]
inherited = [r for r in done if float(r.get("metric:transferredParameters") or 0) > 0]
saved = sum(float(r.get("metric:transferredParameters") or 0) for r in inherited)
print(f"{len(done)} evaluated; {len(inherited)} started from inherited weights ({saved:,.0f} parameters inherited in all)")
if len(done) != int(sys.argv[2]):
    sys.exit(f"error: expected {sys.argv[2]} evaluated candidates, found {len(done)}")
PY
fi
echo "log in $work/train.db; per-candidate export in $work/transfer.csv"
