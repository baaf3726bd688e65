#!/usr/bin/env bash
# A search whose evaluator is a PyTorch script: `python3 train.py` trains each candidate's NAS-Bench-201 network on
# Fashion-MNIST (cuda when PyTorch sees a GPU, else the CPU), starting from the layers of its parent's checkpoint that
# match. Then the export shows per candidate how many layers it inherited.
# Usage: bash examples/PyTorchTrainer/run.sh [--quick] [WORK_DIR] [BUDGET]
#   --quick: tiny training (CI's smoke run); PYTHON=/path/to/python picks the interpreter (default: a python3 that
#   imports torch). WORK_DIR defaults to a new temporary folder, BUDGET to 20.
set -euo pipefail
quick=0
if [ "${1:-}" = "--quick" ]; then quick=1; shift; fi
cd "$(dirname "$0")/../.."
work="${1:-$(mktemp -d)}"
budget="${2:-20}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"

python="${PYTHON:-}"
if [ -z "$python" ]; then
  for candidate in python3 /usr/bin/python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import torch' >/dev/null 2>&1; then python="$(command -v "$candidate")"; break; fi
  done
fi
if [ -z "$python" ]; then
  echo "error: no python3 here imports torch; install PyTorch (Debian: sudo apt-get install python3-torch) or set PYTHON=/path/to/python" >&2
  exit 2
fi
data="${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}"
if [ ! -f "$data/train-images-idx3-ubyte.gz" ] && [ ! -f "$data/train-images-idx3-ubyte" ]; then
  echo "error: Fashion-MNIST is not in $data; install it with: sudo apt-get install dataset-fashion-mnist (or set FASHION_MNIST_DIR)" >&2
  exit 2
fi

# the example's settings with this machine's interpreter; --quick trains a few hundred images for one epoch
sed "s|\"python3\", \"train.py\"|\"$python\", \"train.py\"|" examples/PyTorchTrainer/pytorch.conf > "$work/pytorch.conf"
echo "actornas.evaluator.command.environment.FASHION_MNIST_DIR = \"$data\"" >> "$work/pytorch.conf"
population=8; sample=3
if [ "$quick" -eq 1 ]; then
  cat >> "$work/pytorch.conf" <<HOCON
actornas.evaluator.command.command = ["$python", "train.py", "--train-images", "600", "--validation-images", "200",
  "--epochs", "1", "--channels", "4", "--cells-per-stage", "1"]
HOCON
  population=3; sample=2
fi

dotnet build src/ActorNas.Cli -c Release -v quiet -nologo >/dev/null
actornas() { dotnet src/ActorNas.Cli/bin/Release/net10.0/actornas.dll "$@"; }
"$python" -c 'import torch; print("PyTorch", torch.__version__, "on", "cuda" if torch.cuda.is_available() else "the CPU")'

actornas run --space nb201 --evaluator command --config "$work/pytorch.conf" --budget "$budget" \
  --population "$population" --sample "$sample" --workers 2 --seed 7 --timeout 30m \
  --db "$work/pytorch.db" --search-id pytorch
actornas export --db "$work/pytorch.db" --search-id pytorch --format csv --out "$work/pytorch.csv"

# every candidate evaluated, each left its checkpoint, and some child started from its parent's layers
"$python" - "$work/pytorch.csv" "$budget" "$work/pytorch-checkpoints/pytorch" <<'PY'
import csv, os, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
done = [r for r in rows if r["status"] == "evaluated"]
if len(done) != int(sys.argv[2]):
    sys.exit(f"error: expected {sys.argv[2]} evaluated candidates, found {len(done)}")
missing = [r["job_id"] for r in done if not os.path.exists(os.path.join(sys.argv[3], r["job_id"], "layers.pt"))]
if missing:
    sys.exit(f"error: no checkpoint for candidate(s) {', '.join(missing)} in {sys.argv[3]}")
children = [r for r in done if r.get("parent_id")]
inherited = [r for r in children if float(r.get("metric:transferredLayers") or 0) > 0]
if not inherited:
    sys.exit(f"error: none of the {len(children)} children started from its parent's checkpoint")
best = max(done, key=lambda r: float(r["objective"]))
print(f"{len(done)} evaluated; {len(inherited)} of {len(children)} children started from their parent's checkpoint "
      f"({sum(float(r['metric:transferredParameters']) for r in inherited):,.0f} parameters inherited in all); "
      f"best validation accuracy {float(best['objective']):.3f}: {best['genotype']}")
PY
echo "log in $work/pytorch.db; checkpoints in $work/pytorch-checkpoints; per-candidate export in $work/pytorch.csv"
