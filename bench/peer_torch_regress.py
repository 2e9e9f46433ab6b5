#!/usr/bin/env python3
"""The regression peer of bench_regress: the same task, windows, model and schedule in PyTorch.

The task (docs/regression.md): from a window of the shipped gestures (Edge Impulse JSON, training/ and
testing/), predict the mean of accx over the `horizon` rows that follow the window. Each recording loses
its last `horizon` rows (they have no future); windows of `window` rows start every `stride` rows; each
axis and the target are standardised with the training windows' mean and std; the model is trained with
MSE on the standardised target by Adam, and the MAE on the test windows is reported in m/s2.

Needs Debian's python3-torch and python3-numpy (scripts/install-deps.sh --bench). Prints one JSON line:
  /usr/bin/python3 bench/peer_torch_regress.py --data datasets/gestures-ei --model conv1d --seed 1
"""
import argparse, glob, json, os, random, time

import numpy as np
import torch
from torch import nn


def load(root, split, horizon):
    """(inputs [rows - horizon][3], target [rows - horizon]) per recording, in file order."""
    out = []
    for path in sorted(glob.glob(os.path.join(root, split, "*.json"))):
        with open(path) as f:
            v = np.asarray(json.load(f)["payload"]["values"], dtype=np.float32)
        n = len(v) - horizon
        if n < 1:
            continue
        future = np.stack([v[r + 1:r + 1 + horizon, 0].astype(np.float64).mean() for r in range(n)])
        out.append((v[:n], future.astype(np.float32)))
    return out


def windows(recordings, length, stride):
    xs, ys = [], []
    for values, target in recordings:
        for start in range(0, len(values) - length + 1, stride):
            xs.append(values[start:start + length])
            ys.append(target[start + length - 1])  # the target on the window's last row
    return np.stack(xs), np.asarray(ys, dtype=np.float32)


def build(kind, length, axes):
    if kind == "dense":
        return nn.Sequential(nn.Flatten(), nn.Linear(length * axes, 32), nn.ReLU(),
                             nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 1))
    l2 = ((length - 4) // 2 - 4) // 2
    return nn.Sequential(nn.Conv1d(axes, 8, 5), nn.ReLU(), nn.MaxPool1d(2),
                         nn.Conv1d(8, 16, 5), nn.ReLU(), nn.MaxPool1d(2),
                         nn.Flatten(), nn.Linear(16 * l2, 1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--model", choices=["dense", "conv1d"], default="conv1d")
    p.add_argument("--window", type=int, default=52)
    p.add_argument("--stride", type=int, default=13)
    p.add_argument("--horizon", type=int, default=10)
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(a.seed); np.random.seed(a.seed); random.seed(a.seed)
    xtr, ytr = windows(load(a.data, "training", a.horizon), a.window, a.stride)
    xte, yte = windows(load(a.data, "testing", a.horizon), a.window, a.stride)
    flat = xtr.reshape(-1, xtr.shape[2]).astype(np.float64)
    mean, std = flat.mean(0), flat.std(0)
    ymean, ystd = float(ytr.astype(np.float64).mean()), float(ytr.astype(np.float64).std())
    prep = lambda x: torch.from_numpy(((x - mean) / std).astype(np.float32).transpose(0, 2, 1).copy())
    xtr_t, xte_t = prep(xtr), prep(xte)
    ytr_t = torch.from_numpy(((ytr - ymean) / ystd).astype(np.float32)).unsqueeze(1)

    model = build(a.model, a.window, xtr.shape[2])
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    loss_fn = nn.MSELoss()
    start = time.perf_counter()
    for _ in range(a.epochs):
        model.train()
        order = torch.randperm(len(xtr_t))
        for i in range(0, len(order), a.batch):
            idx = order[i:i + a.batch]
            opt.zero_grad()
            loss_fn(model(xtr_t[idx]), ytr_t[idx]).backward()
            opt.step()
    seconds = time.perf_counter() - start
    model.eval()
    with torch.no_grad():
        pred = model(xte_t).squeeze(1).numpy().astype(np.float64) * ystd + ymean
    err = pred - yte
    print(json.dumps({"peer": "pytorch-" + torch.__version__, "model": a.model, "seed": a.seed,
                      "train_windows": int(len(xtr)), "test_windows": int(len(xte)), "epochs": a.epochs,
                      "train_s": round(seconds, 3), "windows_per_s": round(a.epochs * len(xtr) / seconds, 1),
                      "test_mae": round(float(np.abs(err).mean()), 5),
                      "test_rmse": round(float(np.sqrt((err ** 2).mean())), 5)}))


if __name__ == "__main__":
    main()
