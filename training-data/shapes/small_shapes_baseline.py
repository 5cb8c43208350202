"""How well can the pixels of a small shape be named at all? A yardstick for the vision tower.

Cuts a 16x16 window around every object smaller than 15 % of the crop side from the 72-px picture the CLIP processor
would see (centre square, bicubic resize), then trains two classifiers on training-renderer windows and scores them on
held-out ones: a three-layer convolutional network, which shares its weights across positions, and a plain MLP of the
tower's widths (192 -> 768 -> 192 -> 768), which, like a transformer's patch embedding and per-token MLPs, does not.
If the CNN names nearly all of them, the pixels hold the shape and a tower that does not name them lacks the
inductive bias or the training, not the resolution.

Run in the Debian sid chroot (../shared/tools/sid-chroot.sh setup python3-torch python3-pil), from the repository root:
  sid-chroot.sh run python3 training-data/shapes/small_shapes_baseline.py DATA TRAIN_SCENES EVAL_SCENES [EVAL_SCENES ...]
DATA is a make-data output folder (its images/ holds every picture named in the scene files), e.g.
  ... artifacts/shapes-demo/data artifacts/shapes-demo/data/scenes.json artifacts/shapes-demo/data/scenes-independent.json
"""

import json
import sys
import time

import numpy as np
import torch
import torch.nn as nn
from PIL import Image

SHAPES = ["circle", "square", "star", "triangle"]
SIDE, RADIUS, SMALL, TRAIN_WINDOWS, EPOCHS = 72, 8, 0.15, 30000, 8


def windows(scene_file, images, limit):
    """16x16 windows centred on each small object's box, as the tower's 72-px input shows them, with shape labels."""
    xs, ys = [], []
    for scene in json.load(open(scene_file)):
        small = [o for o in scene["objects"] if max(o["box"][2] - o["box"][0], o["box"][3] - o["box"][1]) < SMALL]
        if not small:
            continue
        image = Image.open(f"{images}/{scene['image']}").convert("RGB")
        width, height = image.size
        side = min(width, height)
        left, top = (width - side) // 2, (height - side) // 2
        image = image.crop((left, top, left + side, top + side)).resize((SIDE, SIDE), Image.BICUBIC)
        pixels = np.pad(np.asarray(image, dtype=np.float32) / 255, ((RADIUS, RADIUS), (RADIUS, RADIUS), (0, 0)), mode="edge")
        for o in small:
            cx = int((o["box"][0] + o["box"][2]) / 2 * SIDE) + RADIUS
            cy = int((o["box"][1] + o["box"][3]) / 2 * SIDE) + RADIUS
            xs.append(pixels[cy - RADIUS:cy + RADIUS, cx - RADIUS:cx + RADIUS].transpose(2, 0, 1))
            ys.append(SHAPES.index(o["shape"]))
        if len(xs) >= limit:
            break
    return torch.tensor(np.stack(xs)), torch.tensor(ys)


def train(name, model, train_set, eval_sets, started):
    x_train, y_train = train_set
    optimizer = torch.optim.AdamW(model.parameters(), 2e-3, weight_decay=0.05)
    for epoch in range(EPOCHS):
        model.train()
        order = torch.randperm(len(x_train))
        for start in range(0, len(order), 128):
            batch = order[start:start + 128]
            loss = nn.functional.cross_entropy(model(x_train[batch]), y_train[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            scores = [f"{set_name} {(model(x).argmax(1) == y).float().mean().item():.1%}" for set_name, (x, y) in eval_sets]
        print(f"{name} epoch {epoch + 1}: {', '.join(scores)} ({time.time() - started:.0f} s)", flush=True)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    torch.manual_seed(0)
    torch.set_num_threads(1)
    started = time.time()
    data, train_scenes, eval_scenes = sys.argv[1], sys.argv[2], sys.argv[3:]
    train_set = windows(train_scenes, f"{data}/images", TRAIN_WINDOWS)
    eval_sets = [(path.rsplit("/", 1)[-1], windows(path, f"{data}/images", 10**9)) for path in eval_scenes]
    print(f"{len(train_set[1])} training windows; " + ", ".join(f"{n} {len(s[1])}" for n, s in eval_sets), flush=True)
    train("cnn", nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(64, 4)), train_set, eval_sets, started)
    train("mlp", nn.Sequential(
        nn.Flatten(), nn.Linear(3 * 4 * RADIUS * RADIUS, 192), nn.Linear(192, 768), nn.GELU(), nn.Linear(768, 192),
        nn.Linear(192, 768), nn.GELU(), nn.Linear(768, 4)), train_set, eval_sets, started)


if __name__ == "__main__":
    main()
