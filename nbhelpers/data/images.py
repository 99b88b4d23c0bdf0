"""uint8 image caches opened with mmap_mode="r" and fed to Keras in float32 batches.

No step holds a whole data set as float32: ``ImageBatches`` reads and casts one batch at a time
(``read_rows``: plain reads, so the cache's pages never count in the process RSS), and
``to_float32`` refuses to materialise a full float32 copy that would not fit in available RAM.
"""

from __future__ import annotations

import math
import os

import keras
import numpy as np
import psutil


def open_cache(path: str | os.PathLike) -> np.ndarray:
    """Open a uint8 (N, H, W, 3) .npy cache read-only and memory-mapped."""
    arr = np.load(path, mmap_mode="r")
    if arr.ndim != 4 or arr.shape[-1] != 3 or arr.dtype != np.uint8:
        raise ValueError(f"{path}: expected a uint8 array (N, H, W, 3), found {arr.dtype} "
                         f"{arr.shape}")
    return arr


def read_rows(images: np.ndarray, indices) -> np.ndarray:
    """``images[indices]`` as a uint8 array, read with ``os.preadv`` when ``images`` is a memmap
    of an .npy file.

    Reading through the map would leave every touched page in this process' RSS (an epoch over
    a 5 GB cache would show 5 GB); reading the bytes into a buffer leaves them in the kernel's
    page cache only, so RSS stays at the model plus a few batches.
    """
    indices = np.asarray(indices)
    filename = getattr(images, "filename", None)
    if not isinstance(images, np.memmap) or filename is None or images.base is None:
        return np.asarray(images[indices])
    row = int(np.prod(images.shape[1:])) * images.dtype.itemsize
    out = np.empty((len(indices), *images.shape[1:]), images.dtype)
    flat = out.reshape(len(indices), -1).view(np.uint8)
    fd = os.open(filename, os.O_RDONLY)
    try:
        for k, i in enumerate(indices):
            got = os.preadv(fd, [flat[k]], images.offset + int(i) * row)
            if got != row:
                raise OSError(f"{filename}: short read of image {i} ({got} of {row} bytes)")
    finally:
        os.close(fd)
    return out


def split_indices(n: int, val_fraction: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Shuffled train and validation indices (sorted within each part, for memmap locality)."""
    if not 0.0 <= val_fraction < 1.0:
        raise ValueError(f"val_fraction must lie in [0, 1), found {val_fraction}")
    perm = np.random.default_rng(seed).permutation(n)
    n_val = int(round(n * val_fraction))
    return np.sort(perm[n_val:]), np.sort(perm[:n_val])


def float32_bytes(shape) -> int:
    return int(np.prod(shape)) * 4


def to_float32(images: np.ndarray, max_fraction: float = 0.8) -> np.ndarray:
    """A float32 copy in [0, 1], refused when it would not fit in available RAM."""
    need = float32_bytes(images.shape)
    avail = psutil.virtual_memory().available
    if need > max_fraction * avail:
        raise MemoryError(
            f"a float32 copy of {images.shape} images needs {need / 1e9:.1f} GB but only "
            f"{avail / 1e9:.1f} GB of RAM are available (limit {max_fraction:.0%}); stream it "
            f"instead with ImageBatches(images, batch_size=...), which casts one batch at a time"
        )
    return images.astype(np.float32) / 255.0


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
        x = np.empty((len(idx), *self.images.shape[1:]), np.float32)
        x[order] = read_rows(self.images, idx[order])
        x *= 1.0 / 255.0
        return (x, x) if self.targets == "self" else (x,)

    def on_epoch_end(self):
        self.epoch += 1
        self._order = self._make_order()
