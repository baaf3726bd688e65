"""One ActorNas candidate, trained in PyTorch: the NAS-Bench-201 network of the candidate's genotype on Fashion-MNIST.

ActorNas's command evaluator starts this script once per candidate attempt (docs/command-evaluator.md): the candidate
comes as one JSON object on stdin, the result goes out as the last JSON line on stdout. The network has the layout of
ActorNas.Torch's Nb201Network (stem, three stages of cells with C, 2C, 4C channels, residual reductions, head) and the
same layer identities, so a child takes every layer of its parent's checkpoint whose identity (and shape) matches.
Runs on cuda when PyTorch sees a GPU (the slot's CUDA_VISIBLE_DEVICES), else on the CPU.
"""
import argparse
import gzip
import json
import math
import os
import struct
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F

from layer_identity import EDGES, OPERATIONS, layer_identities

CHECKPOINT_FILE = "layers.pt"


def parse_genotype(text):
    """'|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|...' to operation codes in position order."""
    ops = []
    for node, group in enumerate(text.split("+")):
        items = group.strip("|").split("|")
        if len(items) != node + 1:
            raise ValueError(f"genotype {text!r}: node {node + 1} needs {node + 1} incoming edge(s)")
        for source, item in enumerate(items):
            op, _, origin = item.rpartition("~")
            if op not in OPERATIONS or origin != str(source):
                raise ValueError(f"genotype {text!r}: bad edge {item!r}")
            ops.append(OPERATIONS.index(op))
    if len(ops) != len(EDGES):
        raise ValueError(f"genotype {text!r}: expected {len(EDGES)} edges, found {len(ops)}")
    return ops


class ReluConvBn(nn.Module):
    def __init__(self, cin, cout, kernel, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, stride=stride, padding=kernel // 2, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return self.bn(self.conv(F.relu(x)))


class ConvBn(nn.Sequential):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(cout)


class Cell(nn.Module):
    """Node j is the sum over i < j of op(i->j)(node i); only the convolution edges hold weights (edge_{position})."""

    def __init__(self, ops, channels):
        super().__init__()
        self.ops = ops
        for position, op in enumerate(ops):
            kernel = {2: 1, 3: 3}.get(op)
            if kernel:
                self.add_module(f"edge_{position}", ReluConvBn(channels, channels, kernel))

    def forward(self, x):
        nodes = [x, None, None, None]
        for to in range(1, 4):
            total = None
            for position, (source, target) in enumerate(EDGES):
                if target != to or self.ops[position] == 0:
                    continue
                h = nodes[source]
                op = self.ops[position]
                if op == 4:
                    h = F.avg_pool2d(h, 3, stride=1, padding=1, count_include_pad=False)
                elif op in (2, 3):
                    h = getattr(self, f"edge_{position}")(h)
                total = h if total is None else total + h
            nodes[to] = total if total is not None else torch.zeros_like(x)
        return nodes[3]


class Reduction(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv_a = ReluConvBn(cin, cout, 3, stride=2)
        self.conv_b = ReluConvBn(cout, cout, 3)
        self.shortcut = nn.Conv2d(cin, cout, 1, bias=False)

    def forward(self, x):
        pooled = F.avg_pool2d(x, 2, stride=2, ceil_mode=True, count_include_pad=False)
        return self.shortcut(pooled) + self.conv_b(self.conv_a(x))


class Head(nn.Module):
    def __init__(self, channels, classes):
        super().__init__()
        self.bn = nn.BatchNorm2d(channels)
        self.fc = nn.Linear(channels, classes)

    def forward(self, x):
        return self.fc(F.relu(self.bn(x)).mean((2, 3)))


class Nb201Network(nn.Module):
    """Module names as in ActorNas.Torch: stem, cells.{k}.edge_{position}, reduce1, reduce2, head."""

    def __init__(self, ops, in_channels, classes, channels, cells_per_stage):
        super().__init__()
        self.stem = ConvBn(in_channels, channels)
        cells, c = [], channels
        for stage in range(3):
            if stage > 0:
                self.add_module(f"reduce{stage}", Reduction(c, 2 * c))
                c *= 2
            cells += [Cell(ops, c) for _ in range(cells_per_stage)]
        self.cells = nn.ModuleList(cells)
        self.head = Head(c, classes)
        self.cells_per_stage = cells_per_stage

    def forward(self, x):
        h = self.stem(x)
        for stage in range(3):
            if stage > 0:
                h = getattr(self, f"reduce{stage}")(h)
            for cell in self.cells[stage * self.cells_per_stage:(stage + 1) * self.cells_per_stage]:
                h = cell(h)
        return self.head(h)


def read_idx(folder, name):
    """An IDX file of Fashion-MNIST, gzip-compressed (NAME.gz, as Debian ships it) or not."""
    for path, opener in ((os.path.join(folder, name + ".gz"), gzip.open), (os.path.join(folder, name), open)):
        if os.path.exists(path):
            with opener(path, "rb") as f:
                data = f.read()
            dims = data[3]
            shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
            return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)
    raise SystemExit(f"error: {name}(.gz) not found in {folder}; install Debian's dataset-fashion-mnist "
                     f"(apt-get install dataset-fashion-mnist) or pass --data-dir")


def load_data(folder, train_images, validation_images):
    """The first images of the training file for training, the first of its last 10,000 for validation (as
    ActorNas.Torch splits it), scaled to [0, 1] and normalised with the training split's mean and std."""
    images = read_idx(folder, "train-images-idx3-ubyte").float().div_(255).unsqueeze(1)
    labels = read_idx(folder, "train-labels-idx1-ubyte").long()
    split = images.shape[0] - 10_000
    if train_images > split or validation_images > 10_000:
        raise SystemExit(f"error: at most {split} training and 10000 validation images, got {train_images} and {validation_images}")
    x_train, y_train = images[:train_images], labels[:train_images]
    x_val, y_val = images[split:split + validation_images], labels[split:split + validation_images]
    mean, std = x_train.mean(), x_train.std(unbiased=False)
    return (x_train - mean) / std, y_train, (x_val - mean) / std, y_val


def inherit(network, layers, parent_folder, device):
    """Copies in every layer of the parent's checkpoint whose identity and tensor shapes match; (layers, parameters)."""
    if not parent_folder:
        return 0, 0
    path = os.path.join(parent_folder, CHECKPOINT_FILE)
    if not os.path.exists(path):
        print(f"parent checkpoint folder {parent_folder} has no {CHECKPOINT_FILE}; training from scratch", file=sys.stderr)
        return 0, 0
    saved = torch.load(path, map_location=device)["layers"]
    taken = parameters = 0
    for layer_id, name in layers:
        module = network.get_submodule(name)
        state = saved.get(layer_id)
        own = module.state_dict()
        if state is None or state.keys() != own.keys() or any(state[k].shape != own[k].shape for k in own):
            continue
        module.load_state_dict(state)
        taken += 1
        parameters += sum(p.numel() for p in module.parameters())
    return taken, parameters


def save_checkpoint(network, layers, folder, genotype):
    """layers.pt: {identity: the layer's state dict} (CPU tensors), written to a temporary name then renamed."""
    state = {layer_id: {k: v.detach().cpu() for k, v in network.get_submodule(name).state_dict().items()}
             for layer_id, name in layers}
    temporary = os.path.join(folder, CHECKPOINT_FILE + ".partial")
    torch.save({"format": 1, "genotype": genotype, "layers": state}, temporary)
    os.replace(temporary, os.path.join(folder, CHECKPOINT_FILE))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist"))
    parser.add_argument("--train-images", type=int, default=4000)
    parser.add_argument("--validation-images", type=int, default=1000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--channels", type=int, default=8, help="C of the NB201 skeleton (the benchmark uses 16)")
    parser.add_argument("--cells-per-stage", type=int, default=1, help="N of the NB201 skeleton (the benchmark uses 5)")
    parser.add_argument("--learning-rate", type=float, default=0.05)
    args = parser.parse_args()

    candidate = json.load(sys.stdin)
    ops = parse_genotype(candidate["genotype"])
    if ops != candidate["positions"]:
        raise SystemExit(f"error: genotype {candidate['genotype']} does not match positions {candidate['positions']}")
    torch.manual_seed(candidate["seed"] % (1 << 63))
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    x_train, y_train, x_val, y_val = load_data(args.data_dir, args.train_images, args.validation_images)
    network = Nb201Network(ops, 1, 10, args.channels, args.cells_per_stage).to(device)
    layers = layer_identities(ops, 1, 10, args.channels, args.cells_per_stage)
    taken, inherited_parameters = inherit(network, layers, candidate["parentCheckpoint"], device)

    started = time.monotonic()
    steps_per_epoch = math.ceil(len(x_train) / args.batch_size)
    optimizer = torch.optim.SGD(network.parameters(), lr=args.learning_rate, momentum=0.9, weight_decay=5e-4, nesterov=True)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs * steps_per_epoch)
    order = torch.Generator().manual_seed(candidate["seed"] % (1 << 63))
    loss = torch.tensor(float("nan"))
    network.train()
    for epoch in range(args.epochs):
        for batch in torch.randperm(len(x_train), generator=order).split(args.batch_size):
            optimizer.zero_grad()
            loss = F.cross_entropy(network(x_train[batch].to(device)), y_train[batch].to(device))
            loss.backward()
            nn.utils.clip_grad_norm_(network.parameters(), 5.0)
            optimizer.step()
            schedule.step()
        print(f"epoch {epoch + 1}/{args.epochs} loss {loss.item():.4f}", flush=True)
    if not math.isfinite(loss.item()):
        raise SystemExit(f"error: the training diverged (loss {loss.item()})")
    train_seconds = time.monotonic() - started

    network.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(x_val), 500):
            logits = network(x_val[start:start + 500].to(device))
            correct += (logits.argmax(1).cpu() == y_val[start:start + 500]).sum().item()
    accuracy = correct / len(x_val)

    save_checkpoint(network, layers, candidate["checkpointDir"], candidate["genotype"])
    print(json.dumps({"objective": accuracy, "metrics": {
        "parameters": sum(p.numel() for p in network.parameters()),
        "transferredLayers": taken,
        "transferredParameters": inherited_parameters,
        "finalLoss": loss.item(),
        "trainSeconds": round(train_seconds, 3),
        "cuda": 1 if device.type == "cuda" else 0,
    }}), flush=True)


if __name__ == "__main__":
    main()
