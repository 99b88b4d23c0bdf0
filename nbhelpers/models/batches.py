"""Batches of a uint8 image cache as float32 in [0, 1], for ``model.fit`` and ``predict``.

A ``keras.utils.PyDataset``: numpy batches, no tf.data, so it feeds every Keras backend.
"""

from __future__ import annotations

import math

import keras
import numpy as np

from ..core.pixels import to_float01
from ..data.images import read_rows


class ImageBatches(keras.utils.PyDataset):
    """Batches of a uint8 cache as float32 in [0, 1], optionally shuffled per epoch with a seed.

    ``targets="self"`` yields (x, x) for autoencoders; ``targets=None`` yields x alone (predict).
    Works with ``model.fit``/``predict`` on every Keras backend.
    """

    def __init__(self, images: np.ndarray, indices: np.ndarray | None = None,
                 batch_size: int = 128, shuffle: bool = False, seed: int = 0,
                 targets: str | None = "self", **kwargs):
        super().__init__(**kwargs)
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, found {batch_size}")
        self.images = images
        self.indices = np.arange(len(images)) if indices is None else np.asarray(indices)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.seed = seed
        self.targets = targets
        self.epoch = 0
        self._order = self._make_order()

    def _make_order(self) -> np.ndarray:
        if not self.shuffle:
            return self.indices
        return np.random.default_rng((self.seed, self.epoch)).permutation(self.indices)

    def __len__(self) -> int:
        return math.ceil(len(self.indices) / self.batch_size)

    def batch_indices(self, i: int) -> np.ndarray:
        return self._order[i * self.batch_size:(i + 1) * self.batch_size]

    def __getitem__(self, i: int):
        idx = self.batch_indices(i)
        order = np.argsort(idx, kind="stable")  # read in file order, keep the shuffled order
        rows = np.empty((len(idx), *self.images.shape[1:]), np.uint8)
        rows[order] = read_rows(self.images, idx[order])  # uint8: a quarter of a float copy
        x = to_float01(rows)  # one float32 batch per call, scaled in place
        return (x, x) if self.targets == "self" else (x,)

    def on_epoch_end(self):
        self.epoch += 1
        self._order = self._make_order()
