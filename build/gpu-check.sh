#!/usr/bin/env bash
# The GPU path, on a machine with one NVIDIA GPU and a CUDA build of PyTorch (2.11 was the target; no internet needed):
#   1. examples/PyTorchTrainer on cuda: a 20-candidate search, 2 slots sharing the GPU; every candidate must report
#      metrics.cuda = 1 and some child must start from its parent's checkpoint.
#   2. TorchSharp's naswot and train evaluators against the CUDA libtorch that PyTorch ships (torch/lib): a copy of the
#      CLI's build output without its CPU libtorch (hard links; the build itself is untouched), run with
#      LD_LIBRARY_PATH=torch/lib, device = cuda. What loads and what fails is reported, not hidden.
#   3. NASWOT per NB201 network on the GPU: TorchSharp's time per candidate (from the export) next to PyTorch's own on
#      the same genotypes, network (C=16, N=5) and batch size (128).
# Usage: bash build/gpu-check.sh [WORK_DIR]
#   PYTHON=/path/to/python (default: the first python3 whose torch sees CUDA), FASHION_MNIST_DIR (default
#   /usr/share/datasets/fashion-mnist: carry the four IDX files there when the package is not installed),
#   ACTORNAS_DLL=/path/to/actornas.dll (default: dotnet build src/ActorNas.Cli -c Release).
# Exit: 0 when step 1 passed and every step ran (step 2 may report that TorchSharp did not load: that is a finding);
# 1 when there is no GPU, no CUDA PyTorch, or the PyTorch example failed; 2 for a missing tool or data.
set -uo pipefail
cd "$(dirname "$0")/.."
work="${1:-$(mktemp -d)}"
mkdir -p "$work" && work="$(cd "$work" && pwd)"
report="$work/gpu-check.txt"
: > "$report"
say() { echo "$*" | tee -a "$report"; }
fail() { say "FAILED: $*"; exit "${2:-1}"; }

# --- preconditions: a GPU, and a PyTorch that sees it -------------------------------------------------------------
command -v nvidia-smi >/dev/null 2>&1 || fail "no nvidia-smi on PATH: this machine has no NVIDIA driver, so no GPU to check"
gpus=$(nvidia-smi -L 2>&1) || fail "nvidia-smi -L failed: $gpus"
[ -n "$gpus" ] || fail "nvidia-smi -L lists no GPU"
say "GPUs: $gpus"
python="${PYTHON:-}"
if [ -z "$python" ]; then
  for candidate in python3 /usr/bin/python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' >/dev/null 2>&1; then
      python="$(command -v "$candidate")"; break
    fi
  done
fi
[ -n "$python" ] || fail "no python here imports a torch that sees CUDA (torch.cuda.is_available() is False or torch is missing); set PYTHON=/path/to/python"
"$python" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' \
  || fail "$python: torch.cuda.is_available() is False"
say "PyTorch: $("$python" -c 'import torch; print(torch.__version__, "CUDA", torch.version.cuda, "on", torch.cuda.get_device_name(0))')"
data="${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}"
[ -f "$data/train-images-idx3-ubyte.gz" ] || [ -f "$data/train-images-idx3-ubyte" ] \
  || fail "Fashion-MNIST is not in $data (set FASHION_MNIST_DIR to a folder with the IDX files)" 2
command -v dotnet >/dev/null 2>&1 || fail "dotnet is not on PATH (the .NET 10 runtime runs actornas)" 2

# --- 1. the PyTorch example on cuda -------------------------------------------------------------------------------
say ""
say "== 1. examples/PyTorchTrainer on cuda (20 candidates, 2 slots sharing the GPU)"
started=$(date +%s)
if ! PYTHON="$python" FASHION_MNIST_DIR="$data" bash examples/PyTorchTrainer/run.sh "$work/pytorch" 20 > "$work/pytorch.log" 2>&1; then
  tail -n 30 "$work/pytorch.log" | tee -a "$report"
  fail "the PyTorch example did not complete (log: $work/pytorch.log)"
fi
tail -n 2 "$work/pytorch.log" | head -n 1 | tee -a "$report"
on_gpu=$("$python" -c 'import csv, sys; rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["status"] == "evaluated"]; print(sum(r["metric:cuda"] == "1" for r in rows), len(rows))' "$work/pytorch/pytorch.csv")
say "candidates that trained on cuda: ${on_gpu% *} of ${on_gpu#* }; wall time $(( $(date +%s) - started )) s"
[ "${on_gpu% *}" = "${on_gpu#* }" ] || fail "some candidates did not train on the GPU"

# --- 2. TorchSharp against PyTorch's CUDA libtorch ------------------------------------------------------------------
say ""
say "== 2. TorchSharp (naswot, train) against PyTorch's CUDA libtorch"
torch_lib=$("$python" -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
say "libtorch from PyTorch: $torch_lib ($(ls "$torch_lib" | grep -c '\.so') shared libraries; libtorch_cuda.so $( [ -f "$torch_lib/libtorch_cuda.so" ] && echo present || echo MISSING ))"
dll="${ACTORNAS_DLL:-}"
if [ -z "$dll" ]; then
  dotnet build src/ActorNas.Cli -c Release -v quiet -nologo > "$work/build.log" 2>&1 || fail "dotnet build failed (log: $work/build.log)" 2
  dll=src/ActorNas.Cli/bin/Release/net10.0/actornas.dll
fi
app="$(cd "$(dirname "$dll")" && pwd)"
cuda_app="$work/actornas-cuda"
rm -rf "$cuda_app"
cp -al "$app" "$cuda_app" 2>/dev/null || cp -a "$app" "$cuda_app"
# without the CPU libtorch beside it, libLibTorchSharp.so (built for libtorch 2.10) can only bind to PyTorch's
removed=$(find "$cuda_app" \( -name 'libtorch*.so*' -o -name 'libc10*.so*' -o -name 'libgomp*.so*' -o -name 'libshm.so' \) -print -delete | wc -l)
say "removed $removed CPU libtorch libraries from the copy $cuda_app; kept libLibTorchSharp.so"
cat > "$work/cuda.conf" <<HOCON
actornas.evaluator.train { device = cuda, data-dir = "$data", train-images = 2000, validation-images = 500, epochs = 1 }
HOCON
torchsharp() { LD_LIBRARY_PATH="$torch_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" dotnet "$cuda_app/actornas.dll" "$@"; }
naswot_ok=0
for evaluator in naswot train; do
  budget=20; [ "$evaluator" = train ] && budget=4
  if torchsharp run --space nb201 --evaluator "$evaluator" --budget "$budget" --population 5 --sample 2 --workers 1 --seed 3 \
       --config "$work/cuda.conf" --db "$work/torchsharp-$evaluator.db" --search-id "$evaluator" > "$work/torchsharp-$evaluator.log" 2>&1; then
    say "TorchSharp $evaluator on cuda: ran $budget candidates ($(grep -m 1 'completed' "$work/torchsharp-$evaluator.log"))"
    [ "$evaluator" = naswot ] && naswot_ok=1
  else
    say "TorchSharp $evaluator on cuda: DID NOT RUN (exit $?); the end of its output:"
    tail -n 15 "$work/torchsharp-$evaluator.log" | sed 's/^/    /' | tee -a "$report"
  fi
done

# --- 3. NASWOT per network: TorchSharp next to PyTorch -------------------------------------------------------------
say ""
say "== 3. NASWOT per NB201 network on the GPU (C=16, N=5, batch 128, Fashion-MNIST)"
if [ "$naswot_ok" -eq 1 ]; then
  torchsharp export --db "$work/torchsharp-naswot.db" --search-id naswot --format csv --out "$work/torchsharp-naswot.csv" > /dev/null
  "$python" build/gpu-check/naswot_pytorch.py "$work/torchsharp-naswot.csv" "$data" 128 16 5 | tee -a "$report" \
    || fail "the PyTorch NASWOT timing failed"
  say "(torchsharp: per candidate from the export's start and end times, the evaluator's whole work; pytorch: build the"
  say " network on the GPU and score it, and the scoring alone; medians, the first network left out)"
else
  say "TorchSharp's naswot did not run on cuda, so there is no TorchSharp time to compare; PyTorch's alone:"
  "$python" - "$work/pytorch/pytorch.csv" "$data" <<'PY' | tee -a "$report"
import csv, subprocess, sys
# the PyTorch example's genotypes stand in for a TorchSharp export: same columns, TorchSharp times absent
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["status"] == "evaluated"]
for r in rows:
    r["m:timestamp_start"], r["m:timestamp_end"] = "0", "0"
with open(sys.argv[1] + ".naswot.csv", "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(rows)
print(subprocess.run([sys.executable, "build/gpu-check/naswot_pytorch.py", sys.argv[1] + ".naswot.csv", sys.argv[2], "128", "16", "5"],
                     capture_output=True, text=True, check=True).stdout.strip())
PY
fi
say ""
say "report: $report"
