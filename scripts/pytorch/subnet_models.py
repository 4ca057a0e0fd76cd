"""PyTorch modules for the networks that `subnet export-weights` writes.

The export folder holds manifest.json and one state dict per network (<method>/member<k>.pt). Each manifest entry
names the architecture (mlp, smallcnn, resnet18, wrn) and the width of every unit group, which is all a module needs:
a subnetwork member is a thin network whose groups are narrower than its parent's.

    import subnet_models
    export = subnet_models.load_export("runs/NAME/weights")
    model = export.network("subnet", 1)              # an nn.Module in eval mode
    logits = model(export.preprocess(images_uint8))  # [batch, classes]
    probs = export.ensemble_probs("subnet", images_uint8)  # [members, batch, classes] softmax outputs

Inputs are float32 [batch, channels, height, width]: pixels / 255, then (x - mean) / std per channel (the manifest's
mean and std). Only needs torch (tested with Debian's python3-torch 1.13).
"""

import json
import os

import torch
from torch import nn
import torch.nn.functional as F


def _conv3(inputs, outputs, stride=1):
    return nn.Conv2d(inputs, outputs, 3, stride=stride, padding=1, bias=False)


class Mlp(nn.Module):
    """Flatten, then Linear-ReLU(-Dropout) per hidden group fc1..fcL, then the linear head."""

    def __init__(self, input_shape, classes, groups, dropout=0.0):
        super().__init__()
        features = input_shape[0] * input_shape[1] * input_shape[2]
        self.hidden = []
        layer = 1
        while f"fc{layer}" in groups:
            name = f"fc{layer}"
            setattr(self, name, nn.Linear(features, groups[name]))
            self.hidden.append(name)
            features = groups[name]
            layer += 1
        self.head = nn.Linear(features, classes)
        self.drop = nn.Dropout(dropout) if dropout > 0 else nn.Identity()

    def forward(self, x):
        x = x.flatten(1)
        for name in self.hidden:
            x = self.drop(F.relu(getattr(self, name)(x)))
        return self.head(x)


class SmallCnn(nn.Module):
    """Per group convL: 3x3 conv (no bias), BatchNorm, ReLU, 2x2 max-pool while the map is at least 2x2; mean-pool; head."""

    def __init__(self, input_shape, classes, groups, dropout=0.0):
        super().__init__()
        channels, height, width = input_shape
        self.blocks = []
        block = 1
        while f"conv{block}" in groups:
            out = groups[f"conv{block}"]
            setattr(self, f"conv{block}", _conv3(channels, out))
            setattr(self, f"bn{block}", nn.BatchNorm2d(out))
            pool = height >= 2 and width >= 2
            if pool:
                height, width = height // 2, width // 2
            self.blocks.append((block, pool))
            channels = out
            block += 1
        self.head = nn.Linear(channels, classes)
        self.drop = nn.Dropout(dropout) if dropout > 0 else nn.Identity()

    def forward(self, x):
        for block, pool in self.blocks:
            x = F.relu(getattr(self, f"bn{block}")(getattr(self, f"conv{block}")(x)))
            if pool:
                x = F.max_pool2d(x, 2)
            x = self.drop(x)
        return self.head(x.mean((2, 3)))


class ResNetBlock(nn.Module):
    """Post-activation basic block; a 1x1 conv + BatchNorm shortcut where the block downsamples."""

    def __init__(self, inputs, mid, outputs, stride, project):
        super().__init__()
        self.conv1 = _conv3(inputs, mid, stride)
        self.bn1 = nn.BatchNorm2d(mid)
        self.conv2 = _conv3(mid, outputs)
        self.bn2 = nn.BatchNorm2d(outputs)
        self.project = project
        if project:
            self.shortcut = nn.Conv2d(inputs, outputs, 1, stride=stride, bias=False)
            self.shortcut_bn = nn.BatchNorm2d(outputs)

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        skip = self.shortcut_bn(self.shortcut(x)) if self.project else x
        return F.relu(y + skip)


class ResNet18(nn.Module):
    """ResNet-18 with the CIFAR stem (3x3 conv, stride 1, no max-pool): stages 1-4 of two blocks, mean-pool, head.

    Groups: stage1..stage4 (the residual stream of each stage, stage1 starting at the stem) and stageS_B.mid (conv1 of
    block B of stage S). The first block of stages 2-4 downsamples by 2 and projects the shortcut.
    """

    def __init__(self, input_shape, classes, groups, dropout=0.0):
        super().__init__()
        stream = groups["stage1"]
        self.stem = _conv3(input_shape[0], stream)
        self.stem_bn = nn.BatchNorm2d(stream)
        self.block_names = []
        for stage in range(1, 5):
            for block in range(2):
                downsample = stage > 1 and block == 0
                name = f"stage{stage}_{block}"
                outputs = groups[f"stage{stage}"]
                setattr(self, name, ResNetBlock(stream, groups[f"{name}.mid"], outputs, 2 if downsample else 1, downsample))
                self.block_names.append(name)
                stream = outputs
        self.head = nn.Linear(stream, classes)
        self.drop = nn.Dropout(dropout) if dropout > 0 else nn.Identity()

    def forward(self, x):
        x = F.relu(self.stem_bn(self.stem(x)))
        for name in self.block_names:
            x = self.drop(getattr(self, name)(x))
        return self.head(x.mean((2, 3)))


class WideBlock(nn.Module):
    """Pre-activation wide block: o = relu(bn1(x)); y = conv2(dropout(relu(bn2(conv1(o))))); y + shortcut."""

    def __init__(self, inputs, mid, outputs, stride, project, dropout):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(inputs)
        self.conv1 = _conv3(inputs, mid, stride)
        self.bn2 = nn.BatchNorm2d(mid)
        self.conv2 = _conv3(mid, outputs)
        self.project = project
        if project:
            self.shortcut = nn.Conv2d(inputs, outputs, 1, stride=stride, bias=False)
        self.drop = nn.Dropout(dropout) if dropout > 0 else nn.Identity()

    def forward(self, x):
        o = F.relu(self.bn1(x))
        y = self.conv2(self.drop(F.relu(self.bn2(self.conv1(o)))))
        return y + (self.shortcut(o) if self.project else x)


class WideResNet(nn.Module):
    """WRN-depth-k: 3x3 stem, three groups of (depth - 4) / 6 wide blocks (strides 1, 2, 2), BatchNorm-ReLU, mean-pool, head.

    Groups: stem (the first stream), groupG (a new stream where block 0 of group G projects: always for G = 2, 3, and
    for G = 1 when its width differs from the stem's) and groupG_B.mid.
    """

    def __init__(self, input_shape, classes, groups, depth, dropout=0.0):
        super().__init__()
        per_group = (depth - 4) // 6
        stream = groups["stem"]
        self.stem = _conv3(input_shape[0], stream)
        self.block_names = []
        for g in range(1, 4):
            for block in range(per_group):
                name = f"group{g}_{block}"
                project = block == 0 and f"group{g}" in groups
                outputs = groups[f"group{g}"] if project else stream
                stride = 2 if g > 1 and block == 0 else 1
                setattr(self, name, WideBlock(stream, groups[f"{name}.mid"], outputs, stride, project, dropout))
                self.block_names.append(name)
                stream = outputs
        self.final_bn = nn.BatchNorm2d(stream)
        self.head = nn.Linear(stream, classes)

    def forward(self, x):
        x = self.stem(x)
        for name in self.block_names:
            x = getattr(self, name)(x)
        return self.head(F.relu(self.final_bn(x)).mean((2, 3)))


def build(entry, input_shape, classes):
    """An untrained module for one manifest network entry (architecture, groups, depth, dropout)."""
    kind, groups, dropout = entry["architecture"], entry["groups"], entry.get("dropout", 0.0)
    if kind == "mlp":
        return Mlp(input_shape, classes, groups, dropout)
    if kind == "smallcnn":
        return SmallCnn(input_shape, classes, groups, dropout)
    if kind == "resnet18":
        return ResNet18(input_shape, classes, groups, dropout)
    if kind == "wrn":
        return WideResNet(input_shape, classes, groups, entry["depth"], dropout)
    raise ValueError(f"unknown architecture {kind!r} in the manifest; expected mlp, smallcnn, resnet18 or wrn")


def mc_dropout_mode(model):
    """Eval mode except the dropout layers, which stay stochastic: one forward pass is one MC-dropout member."""
    model.eval()
    for module in model.modules():
        if isinstance(module, nn.Dropout):
            module.train()
    return model


class Export:
    """An export folder: its manifest and a loader for each network."""

    def __init__(self, folder):
        self.folder = folder
        with open(os.path.join(folder, "manifest.json")) as f:
            self.manifest = json.load(f)
        self.input_shape = self.manifest["input"]
        self.classes = self.manifest["classes"]

    def entries(self, method):
        return [n for n in self.manifest["networks"] if n["method"] == method]

    def network(self, method, member):
        """The trained network `member` (1-based) of `method`, in eval mode, with its exported weights (strict load)."""
        entry = next((n for n in self.entries(method) if n["member"] == member), None)
        if entry is None:
            raise KeyError(f"{method} member {member} is not in {self.folder}/manifest.json")
        model = build(entry, self.input_shape, self.classes)
        state = torch.load(os.path.join(self.folder, entry["file"]), map_location="cpu")
        model.load_state_dict(state, strict=True)
        return model.eval()

    def preprocess(self, images):
        """uint8 [batch, channels, height, width] pixels to the normalised float32 input the networks expect."""
        mean = torch.tensor(self.manifest["mean"]).view(1, -1, 1, 1)
        std = torch.tensor(self.manifest["std"]).view(1, -1, 1, 1)
        return (images.float() / 255 - mean) / std

    @torch.no_grad()
    def ensemble_probs(self, method, images, mc_passes=None):
        """[members, batch, classes] softmax outputs of every member (MC dropout: `mc_passes` stochastic passes)."""
        x = self.preprocess(images)
        nets = [self.network(method, n["member"]) for n in self.entries(method)]
        if method == "mcdropout":
            model = mc_dropout_mode(nets[0])
            return torch.stack([F.softmax(model(x), -1) for _ in range(mc_passes or 1)])
        return torch.stack([F.softmax(m(x), -1) for m in nets])


def load_export(folder):
    """Opens the folder that `subnet export-weights` wrote."""
    return Export(folder)
