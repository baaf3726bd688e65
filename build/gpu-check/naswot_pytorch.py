"""NASWOT in PyTorch on the GPU, for the genotypes of a TorchSharp naswot search: the same NB201 network (the PyTorch
example's, same layout as ActorNas.Torch's) and the same batch size, timed per network next to TorchSharp's own times
from the search's export. Usage: naswot_pytorch.py EXPORT.csv DATA_DIR BATCH C N  (prints one JSON line)."""
import csv
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples", "PyTorchTrainer"))
from train import Nb201Network, ReluConvBn, load_data, parse_genotype  # noqa: E402


def score(network, batch):
    """log|det K_H|: K_H[i, j] = units where images i and j agree on/off, over every ReLU (ActorNas.Torch's rule)."""
    patterns = []
    hooks = [m.conv.register_forward_pre_hook(lambda _, args: patterns.append((args[0] > 0).flatten(1).float()))
             for m in network.modules() if isinstance(m, ReluConvBn)]
    hooks.append(network.head.bn.register_forward_hook(lambda _, __, out: patterns.append((out > 0).flatten(1).float())))
    with torch.no_grad():
        network(batch)
        kernel = torch.zeros(batch.shape[0], batch.shape[0], dtype=torch.float64, device=batch.device)
        for c in patterns:
            kernel += (c @ c.T + (1 - c) @ (1 - c).T).double()
        _, logdet = torch.linalg.slogdet(kernel)
    for h in hooks:
        h.remove()
    return logdet.item()


def main():
    export, data_dir, batch_size, c, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    rows = [r for r in csv.DictReader(open(export, newline="")) if r["status"] == "evaluated"]
    if not rows:
        sys.exit(f"error: no evaluated candidate in {export}")
    device = torch.device(os.environ.get("NASWOT_DEVICE", "cuda"))   # cpu only to try this script where there is no GPU
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    x, _, _, _ = load_data(data_dir, batch_size, 1)
    batch = x[:batch_size].to(device)
    totals, scoring_only, torchsharp = [], [], []
    for i, row in enumerate(rows):
        torch.manual_seed(int(row["job_id"]))
        sync()
        started = time.perf_counter()
        network = Nb201Network(parse_genotype(row["genotype"]), 1, 10, c, n).to(device)
        sync()
        built = time.perf_counter()
        value = score(network, batch)
        if i == 0:
            first = {"genotype": row["genotype"], "pytorch": round(value, 3), "torchsharp": round(float(row["objective"]), 3)}
        sync()
        done = time.perf_counter()
        if i > 0:   # the first network pays CUDA's start-up (context, kernels): not a per-network cost
            totals.append(done - started)
            scoring_only.append(done - built)
        torchsharp.append(float(row["m:timestamp_end"]) - float(row["m:timestamp_start"]))
    print(json.dumps({
        "networks": len(rows),
        "pytorch": torch.__version__,
        "device": torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu",
        "pytorchBuildAndScoreMsMedian": round(1000 * statistics.median(totals), 2) if totals else None,
        "pytorchScoreMsMedian": round(1000 * statistics.median(scoring_only), 2) if scoring_only else None,
        "torchsharpMsPerCandidateMedian": round(1000 * statistics.median(torchsharp[1:] or torchsharp), 2),
        "torchsharpMsFirstCandidate": round(1000 * torchsharp[0], 2),
        # a sanity check of the two implementations, not an equality: TorchSharp draws its batch by the search seed
        "firstNetworkScores": first,
    }))


if __name__ == "__main__":
    main()
