#!/usr/bin/python3
"""Exports the PyTorch fixtures of tests/workloads/torch_fixtures_test.cpp.

Three small untrained models on Fashion-MNIST-shaped input (mlp, cnn, lstm), exported by torch.onnx.export at
opset 13, plus the mlp at opset 11 and the cnn at opset 17, together with 8 inputs per model and PyTorch's own
outputs on them as float32 .npy files. The tests compare imcsim's import and reference executor against those
outputs, so CI needs neither PyTorch nor this script.

Needs Debian's python3-torch (and, optionally, python3-onnx to check the files and list their operators).
Run with Debian's interpreter:

    /usr/bin/python3 scripts/export_torch_fixtures.py [--out tests/workloads/fixtures/torch]

Deterministic: the same torch version writes the same files.
"""

import argparse
import os
import sys

import numpy as np
import torch
from torch import nn

SAMPLES = 8
CLASSES = 10


class Mlp(nn.Module):
    """784 -> 32 -> 32 -> 10. The flattening is x.view(N, -1), which torch exports as
    Shape/Gather/Unsqueeze/Concat/Reshape (nn.Flatten would give a single Flatten node)."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(28 * 28, 32)
        self.fc2 = nn.Linear(32, 32)
        self.fc3 = nn.Linear(32, CLASSES)

    def forward(self, x):
        x = x.view(x.size(0), -1)
        x = torch.relu(self.fc1(x))
        x = torch.relu(self.fc2(x))
        return self.fc3(x)


class ResidualBlock(nn.Module):
    """x + conv-bn-relu-conv-bn(x). The BatchNorms directly after a Conv are folded into it by the exporter."""

    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        return x + self.bn2(self.conv2(y))


class Cnn(nn.Module):
    """conv(1->8, pad 1)-bn-relu, residual block, bn-relu after the add (a BatchNormalization the exporter cannot
    fold into a Conv), maxpool 2, conv(8->16, stride 2, pad 1)-bn-relu, global average pool, flatten, linear."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.block = ResidualBlock(8)
        self.bn_post = nn.BatchNorm2d(8)
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.bn2 = nn.BatchNorm2d(16)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, CLASSES)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = torch.relu(self.bn_post(self.block(x)))
        x = self.pool(x)
        x = torch.relu(self.bn2(self.conv2(x)))
        x = self.gap(x)
        x = torch.flatten(x, 1)
        return self.fc(x)


class Lstm(nn.Module):
    """The 28 image rows as a sequence of 28-wide steps; the last step's output through a linear layer."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(input_size=28, hidden_size=32, batch_first=True)
        self.fc = nn.Linear(32, CLASSES)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1, :])


def make_inputs(generator, shape):
    """Half standard normal, half image-like values in [0, 1] (a blurred uniform field, clipped)."""
    half = SAMPLES // 2
    normal = torch.randn((half,) + shape, generator=generator)
    field = torch.rand((SAMPLES - half, 1, 28, 28), generator=generator)
    field = torch.nn.functional.avg_pool2d(field, 3, stride=1, padding=1, count_include_pad=False)
    field = ((field - 0.5) * 3.0 + 0.5).clamp(0.0, 1.0)
    return torch.cat([normal, field.reshape((SAMPLES - half,) + shape)], dim=0)


def randomise_batchnorm(model, generator):
    """Non-trivial running statistics and affine parameters for every BatchNorm2d."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                c = m.num_features
                m.running_mean.copy_(0.5 * torch.randn(c, generator=generator))
                m.running_var.copy_(0.5 + torch.rand(c, generator=generator))
                m.weight.copy_(0.75 + 0.5 * torch.rand(c, generator=generator))
                m.bias.copy_(0.2 * torch.randn(c, generator=generator))


def scale_head(model, factor):
    """Multiplies the last Linear layer by `factor`: untrained default-initialised models give logits of a few
    tenths; a few units make the tests' relative tolerance the binding one rather than its floor of 1."""
    head = [m for m in model.modules() if isinstance(m, nn.Linear)][-1]
    with torch.no_grad():
        head.weight.mul_(factor)
        head.bias.mul_(factor)


def export(model, example, path, opset):
    torch.onnx.export(model, example, path, opset_version=opset, input_names=["x"], output_names=["logits"],
                      dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}}, do_constant_folding=True)


def describe(path):
    """Checks the file with onnx.checker and returns its operator types, when python3-onnx is installed."""
    try:
        import onnx
    except ImportError:
        return "(python3-onnx not installed: not checked)"
    model = onnx.load(path)
    onnx.checker.check_model(model)
    ops = []
    for node in model.graph.node:
        if node.op_type not in ops:
            ops.append(node.op_type)
    return "opset %d, %d nodes: %s" % (model.opset_import[0].version, len(model.graph.node), " ".join(ops))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--out", default=os.path.join(here, "..", "tests", "workloads", "fixtures", "torch"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    torch.manual_seed(20240601)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    generator = torch.Generator().manual_seed(7)

    models = {
        "mlp": (Mlp(), (1, 28, 28), [("mlp", 13), ("mlp_opset11", 11)]),
        "cnn": (Cnn(), (1, 28, 28), [("cnn", 13), ("cnn_opset17", 17)]),
        "lstm": (Lstm(), (28, 28), [("lstm", 13)]),
    }
    randomise_batchnorm(models["cnn"][0], generator)
    for model, _, _ in models.values():
        scale_head(model, 10.0)

    for name, (model, shape, files) in models.items():
        model.eval()
        inputs = make_inputs(generator, shape)
        with torch.no_grad():
            outputs = model(inputs)
        assert outputs.shape == (SAMPLES, CLASSES)
        np.save(os.path.join(args.out, name + "_input.npy"), inputs.numpy().astype(np.float32))
        np.save(os.path.join(args.out, name + "_output.npy"), outputs.numpy().astype(np.float32))
        for file_name, opset in files:
            path = os.path.join(args.out, file_name + ".onnx")
            export(model, inputs[:2], path, opset)
            print("%s: %d bytes, %s" % (file_name + ".onnx", os.path.getsize(path), describe(path)))
        print("%s: outputs max |y| = %.4g" % (name, outputs.abs().max().item()))
    print("torch %s" % torch.__version__)
    return 0


if __name__ == "__main__":
    sys.exit(main())
