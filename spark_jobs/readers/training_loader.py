"""Feed one day of ``gold.training_input`` to the carousel transformer, without Spark.

    from spark_jobs.readers.training_loader import training_batches
    for batch in training_batches(date(2026, 1, 14), batch_size=512, seed=0):
        model(batch.impressions, batch.actions, batch.action_types)

A batch holds ``impressions`` [B] (the item shown), ``actions`` [B, 1000] (item ids of
the customer's history, 0 = padding) and ``action_types`` [B, 1000] (3 order, 2 cart,
1 click, 0 padding), as int32 NumPy arrays, or torch tensors with ``as_torch=True``.

Memory stays bounded: the partition's data files are visited in a random order, read as
Arrow record batches (Iceberg delete files applied), and shuffled through a buffer of
``shuffle_buffer`` rows (about 8 KB per row). Only numpy, pyarrow and pyiceberg are
needed; torch is optional.
"""
from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np

from spark_jobs.recsys.tables import TRAINING_INPUT
COLUMNS = ("item_id", "actions", "action_types")
HISTORY_SIZE = 1000


@dataclass
class Batch:
    impressions: object     # [B]
    actions: object         # [B, 1000]
    action_types: object    # [B, 1000]

    def __len__(self) -> int:
        return len(self.impressions)


def _arrays(record_batch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Arrow rows → (impressions [n], actions [n, 1000], action_types [n, 1000]) as int32."""
    n = record_batch.num_rows
    items = record_batch.column("item_id").to_numpy(zero_copy_only=False).astype(np.int32)
    actions = record_batch.column("actions").flatten().to_numpy().astype(np.int32).reshape(n, HISTORY_SIZE)
    types = record_batch.column("action_types").flatten().to_numpy().astype(np.int32).reshape(n, HISTORY_SIZE)
    return items, actions, types


def record_batches(dt: date, table=None, seed: int | None = None) -> Iterator:
    """Arrow record batches of one dt partition, its data files in a seeded random order."""
    from pyiceberg.expressions import EqualTo
    from pyiceberg.io.pyarrow import ArrowScan

    if table is None:
        from spark_jobs.catalog import load_catalog
        table = load_catalog().load_table(TRAINING_INPUT)
    scan = table.scan(row_filter=EqualTo("dt", dt.isoformat()), selected_fields=COLUMNS)
    tasks = list(scan.plan_files())
    random.Random(seed).shuffle(tasks)
    reader = ArrowScan(table.metadata, table.io, scan.projection(), scan.row_filter)
    for task in tasks:
        yield from reader.to_record_batches([task])


def _shuffled(chunks: Iterator, batch_size: int, buffer_rows: int, rng: np.random.Generator,
              drop_last: bool) -> Iterator[tuple[np.ndarray, ...]]:
    """Shuffle through a bounded buffer: when it holds ``buffer_rows``, permute it and emit
    batches until half remains (the rest mixes with what comes next)."""
    pool: list[tuple[np.ndarray, ...]] = []
    held = 0

    def drain(keep: int):
        nonlocal pool, held
        merged = [np.concatenate(parts) for parts in zip(*pool)]
        order = rng.permutation(held)
        merged = [m[order] for m in merged]
        while held - batch_size >= keep and held >= batch_size:
            yield tuple(m[:batch_size] for m in merged)
            merged = [m[batch_size:] for m in merged]
            held -= batch_size
        pool = [tuple(merged)] if held else []

    for chunk in chunks:
        if len(chunk[0]):
            pool.append(chunk)
            held += len(chunk[0])
        if held >= buffer_rows:
            yield from drain(keep=buffer_rows // 2)
    if held:
        yield from drain(keep=0)
        if held and not drop_last:
            yield pool[0]


def training_batches(dt: date, batch_size: int = 256, *, shuffle_buffer: int = 8192, seed: int | None = None,
                     as_torch: bool = False, drop_last: bool = False, table=None) -> Iterator[Batch]:
    """Shuffled batches of one day of training input (see the module docstring)."""
    rng = np.random.default_rng(seed)
    chunks = (_arrays(b) for b in record_batches(dt, table, seed))
    for items, actions, types in _shuffled(chunks, batch_size, max(shuffle_buffer, batch_size), rng, drop_last):
        if as_torch:
            import torch
            yield Batch(torch.from_numpy(items), torch.from_numpy(actions), torch.from_numpy(types))
        else:
            yield Batch(items, actions, types)
