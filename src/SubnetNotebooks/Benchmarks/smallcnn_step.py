# The SmallCnn training step of SubnetNotebooks in PyTorch, for `subnet bench` (figure d).
# Usage: python3 smallcnn_step.py THREADS WARMUP REPETITIONS WIDTHS(comma) BATCH CLASSES
# Prints one JSON object: {"torch": version, "threads": n, "seconds": [per repetition]}.
import json, sys, time
import torch
from torch import nn

threads, warmup, reps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
widths = [int(w) for w in sys.argv[4].split(",")]
batch, classes = int(sys.argv[5]), int(sys.argv[6])
torch.set_num_threads(threads)
torch.manual_seed(0)

layers, inputs, size = [], 1, 28
for w in widths:
    layers += [nn.Conv2d(inputs, w, 3, padding=1, bias=False), nn.BatchNorm2d(w), nn.ReLU()]
    if size >= 2:
        layers.append(nn.MaxPool2d(2))
        size //= 2
    inputs = w
model = nn.Sequential(*layers)
head = nn.Linear(inputs, classes)
params = list(model.parameters()) + list(head.parameters())
optimizer = torch.optim.SGD(params, lr=0.05, momentum=0.9, weight_decay=5e-4)
x = torch.randn(batch, 1, 28, 28)
y = torch.randint(0, classes, (batch,))

def step():
    optimizer.zero_grad()
    logits = head(model(x).mean(dim=(2, 3)))
    loss = nn.functional.cross_entropy(logits, y)
    loss.backward()
    optimizer.step()
    return loss.item()

for _ in range(warmup):
    step()
seconds = []
for _ in range(reps):
    start = time.perf_counter()
    step()
    seconds.append(time.perf_counter() - start)
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "seconds": seconds}))
