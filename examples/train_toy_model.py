"""Train a toy carousel model on 14 days of ``gold.training_input``, one day at a time.

    .venv/bin/python examples/train_toy_model.py [--days 14] [--epochs 1]

The toy model scores an impression by the dot product of the shown item's embedding
with the mean embedding of the customer's history (padding masked out), weighted by
action type. The target is just "shown at position 0" — enough to see a loss go down;
the point is the loader feeding batches. With torch installed it trains with Adam;
without torch it runs the same forward pass in NumPy and prints the shapes.
"""
from __future__ import annotations

import argparse
from datetime import timedelta

from spark_jobs.readers.training_loader import training_batches
from spark_jobs.readers.training_sizes import partition_sizes

ITEMS = 1 << 16   # item ids are hashed into this many embedding rows


def days_available(last: int) -> list:
    import datetime as dt

    days = [d["dt"] for d in partition_sizes()]
    days = [dt.date(1970, 1, 1) + timedelta(days=d) if isinstance(d, int) else d for d in days]
    return days[-last:]


def train_torch(days, epochs: int) -> None:
    import torch
    from torch import nn

    class Toy(nn.Module):
        def __init__(self):
            super().__init__()
            self.items = nn.Embedding(ITEMS, 32)
            self.types = nn.Embedding(4, 32, padding_idx=0)

        def forward(self, impressions, actions, action_types):
            mask = (action_types > 0).float().unsqueeze(-1)
            history = (self.items(actions % ITEMS) * self.types(action_types)).mul(mask).sum(1)
            history = history / mask.sum(1).clamp(min=1)
            return (self.items(impressions % ITEMS) * history).sum(-1)

    model = Toy()
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-2)
    for epoch in range(epochs):
        for day in days:
            total, n = 0.0, 0
            for batch in training_batches(day, batch_size=256, seed=epoch, as_torch=True):
                logits = model(batch.impressions.long(), batch.actions.long(), batch.action_types.long())
                target = (batch.impressions % 2).float()  # a stand-in label
                loss = nn.functional.binary_cross_entropy_with_logits(logits, target)
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                total, n = total + loss.item() * len(batch), n + len(batch)
            print(f"epoch {epoch} {day}: {n} samples, mean loss {total / max(n, 1):.4f}")


def forward_numpy(days) -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    items, types = rng.normal(size=(ITEMS, 16)), rng.normal(size=(4, 16))
    for day in days:
        n = 0
        for batch in training_batches(day, batch_size=256, seed=0):
            mask = (batch.action_types > 0)[..., None]
            history = (items[batch.actions % ITEMS] * types[batch.action_types] * mask).sum(1) / np.maximum(mask.sum(1), 1)
            scores = (items[batch.impressions % ITEMS] * history).sum(-1)
            n += len(batch)
        print(f"{day}: {n} samples; last batch impressions {batch.impressions.shape}, actions {batch.actions.shape}, "
              f"action_types {batch.action_types.shape} -> scores {scores.shape}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--epochs", type=int, default=1)
    args = parser.parse_args()
    days = days_available(args.days)
    try:
        import torch  # noqa: F401
    except ImportError:
        print("torch is not installed: running the toy forward pass in NumPy")
        forward_numpy(days)
        return
    train_torch(days, args.epochs)


if __name__ == "__main__":
    main()
