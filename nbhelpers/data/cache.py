"""uint8 image caches: building the synthetic-face cache, opening any cache with its labels.

A cache is one ``.npy`` of shape (N, H, W, 3), uint8, opened memory-mapped, with a ``.json``
beside it that says what it holds; a synthetic-face cache has ``.factors.npz`` beside it too (the
factors that drew each face). Photos' labels are not part of their cache: they depend on the
labels file a run names (``data.labels``), so the run keeps them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..core.files import NpyWriter, atomic_path, atomic_write_json, read_json
from .images import open_cache, read_rows
from .synthfaces import draw_factors, render_blocks


@dataclass
class Dataset:
    """An opened image cache with its labels (synthetic factors, or photos' labels)."""

    images: np.ndarray  # uint8 memmap (N, H, W, 3)
    path: Path
    source: str
    labels: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.images)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.images.shape)

    def take(self, indices) -> np.ndarray:
        """The images at ``indices`` as a uint8 array, read without leaving the cache's pages in
        this process' RSS (``images.read_rows``)."""
        return read_rows(self.images, indices)


def synthetic_cache(cache_dir: str | os.PathLike, n: int, size: int, seed: int = 0,
                    factor_distribution: str = "normal", progress: bool = True) -> Path:
    """Build (or reuse) a uint8 cache of synthetic faces plus ``<cache>.factors.npz``."""
    base = Path(cache_dir).expanduser()
    base.mkdir(parents=True, exist_ok=True)
    npy = base / f"synthfaces_{factor_distribution}_s{seed}_{size}px_n{n}.npy"
    meta_path = npy.with_suffix(".json")
    key = {"source": "synthetic faces", "n": n, "size": size, "seed": seed,
           "factor_distribution": factor_distribution, "version": 1}
    meta = read_json(meta_path)
    if meta and npy.exists() and all(meta.get(k) == v for k, v in key.items()):
        return npy
    from tqdm.auto import tqdm

    factors = draw_factors(n, seed, factor_distribution)
    with atomic_path(npy) as tmp:
        out = NpyWriter(tmp, (n, size, size, 3), np.uint8)
        with tqdm(total=n, desc=f"synthetic faces {size}px", disable=not progress) as bar:
            for imgs in render_blocks(factors, size):
                out.write(imgs)
                bar.update(len(imgs))
        out.close()
    with atomic_path(npy.with_suffix(".factors.npz")) as tmp:
        np.savez(tmp, **factors)
    atomic_write_json(meta_path, {**key, "shape": [n, size, size, 3], "dtype": "uint8",
                                  "factors": list(factors)})
    return npy


def open_labelled(path: str | os.PathLike, source: str, shape=None,
                  labels: dict[str, np.ndarray] | None = None) -> Dataset:
    """Open the cache at ``path``; ``shape``, when given, must match. Its labels: ``labels``
    when given (photos' labels, kept by the run), else the synthetic factors beside the cache."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"image cache not found: {path}")
    images = open_cache(path)
    if shape is not None and list(images.shape) != list(shape):
        raise ValueError(f"{path}: expected shape {tuple(shape)}, found {images.shape}")
    factors = path.with_suffix(".factors.npz")
    if labels is None and factors.exists():
        with np.load(factors) as z:
            labels = {k: z[k] for k in z.files}
    return Dataset(images, path, source, dict(labels or {}))
