"""Layer identities as ActorNas.Torch computes them (src/ActorNas.Torch/Models/LayerIdentity.cs): a 16-hex-digit hash
of a layer's kind, its integer configuration and the identities it reads from. Two networks share a layer exactly when
the identities match, so a child can take its parent's trained layers by identity. Run this file to check the port
against values the C# tests pin."""

import sys

OPERATIONS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
EDGES = [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3)]   # (from, to) node of each genotype position
M64 = (1 << 64) - 1
_SEED = 0x41634E61735F4964
_TAG_KIND, _TAG_LONG, _TAG_STRING, _TAG_INPUTS = 1, 2, 3, 4


def _mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def _step(h, word):
    return (_mix(h ^ _mix((word + 0x9E3779B97F4A7C15) & M64)) + 0x632BE59BD9B4E019) & M64


def _add_string(h, tag, text):
    data = text.encode("utf-8")
    h = _step(_step(h, tag), len(data))
    for i in range(0, len(data), 8):
        h = _step(h, int.from_bytes(data[i:i + 8], "little"))
    return h


def identity(kind, config, *inputs):
    """LayerIdentity.Of(kind, config of integers and strings, inputs...)."""
    h = _add_string(_SEED, _TAG_KIND, kind)
    for value in config:
        h = _add_string(h, _TAG_STRING, value) if isinstance(value, str) else _step(_step(h, _TAG_LONG), value & M64)
    h = _step(_step(_step(h, len(config)), _TAG_INPUTS), len(inputs))
    for source in inputs:
        h = _add_string(h, _TAG_STRING, source)
    return format(_mix(h ^ 0xD6E8FEB86659FD93), "016x")


def layer_identities(ops, in_channels, classes, channels, cells_per_stage):
    """(identity, module name) of every layer that holds weights, in forward order (Nb201Network.Describe)."""
    c = channels
    current = identity("stem", [in_channels, c])
    layers = [(current, "stem")]
    cell_index = 0
    for stage in range(3):
        if stage > 0:
            current = identity("reduce", [c, 2 * c], current)
            layers.append((current, f"reduce{stage}"))
            c *= 2
        for _ in range(cells_per_stage):
            nodes = [current, None, None, None]
            for to in range(1, 4):
                edges_into = []
                for position, (source, target) in enumerate(EDGES):
                    if target != to:
                        continue
                    edge = identity(OPERATIONS[ops[position]], [c, to], nodes[source])
                    edges_into.append(edge)
                    if ops[position] in (2, 3):
                        layers.append((edge, f"cells.{cell_index}.edge_{position}"))
                nodes[to] = identity("node", [], *edges_into)
            current = nodes[3]
            cell_index += 1
    layers.append((identity("head", [c, classes], current), "head"))
    return layers



if __name__ == "__main__":
    # pinned by tests/ActorNas.Torch.Tests/Models/LayerIdentityTests.cs
    assert identity("stem", [3, 16]) == "689b382569879817", identity("stem", [3, 16])
    assert identity("dense", [784, 64, "relu"], identity("input", [1, 28, 28])) == "a49fe5a5e083505e"
    if len(sys.argv) == 6:
        # POSITIONS (comma-separated) IN-CHANNELS CLASSES C N: the NB201 layers, one "identity name" per line
        # (tests/ActorNas.Torch.Tests compares them with Nb201Network.Describe)
        ops = [int(v) for v in sys.argv[1].split(",")]
        for layer_id, name in layer_identities(ops, *(int(v) for v in sys.argv[2:])):
            print(layer_id, name)
    else:
        print("layer identities match ActorNas.Torch")
