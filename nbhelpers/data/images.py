"""uint8 image caches opened with mmap_mode="r" and read row by row.

No step holds a whole data set as float32: ``models.batches.ImageBatches`` reads and casts one
batch at a time (``read_rows``: plain reads, so the cache's pages never count in the process RSS).
"""

from __future__ import annotations

import os

import numpy as np


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


def split_indices(n: int, val_fraction: float = 0.1, seed: int = 0,
                  n_train: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Shuffled train and validation indices (sorted within each part, for memmap locality):
    ``n_train`` images for training and the rest held out where ``n_train`` is given and
    smaller than ``n``, else a share ``val_fraction`` held out."""
    if not 0.0 <= val_fraction < 1.0:
        raise ValueError(f"val_fraction must lie in [0, 1), found {val_fraction}")
    perm = np.random.default_rng(seed).permutation(n)
    n_val = n - n_train if n_train is not None and 0 < n_train < n else int(round(n * val_fraction))
    return np.sort(perm[n_val:]), np.sort(perm[:n_val])


def images_for_training(n_train: int, val_fraction: float) -> int:
    """The smallest data set whose ``split_indices`` holds ``n_train`` training images and, held
    out, the validation images a training on ``n_train`` of them takes along (``val_fraction``
    of the whole, i.e. ``n_train * val_fraction / (1 - val_fraction)``)."""
    if not 0.0 <= val_fraction < 1.0 or n_train < 1:
        raise ValueError(f"expected n_train >= 1 and val_fraction in [0, 1), found {n_train} and "
                         f"{val_fraction}")
    n_val = round(n_train * val_fraction / (1 - val_fraction))
    n = int(np.ceil(n_train / (1 - val_fraction)))
    while n - round(n * val_fraction) < n_train or round(n * val_fraction) < n_val:
        n += 1
    return n
