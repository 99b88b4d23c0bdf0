"""Image data: built-in synthetic faces, CelebA caches, and streaming batches.

``prepare(cfg, run)`` is the data step of the series: it builds or reuses the uint8 cache for the
profile (synthetic faces for smoke and default, CelebA for celeba) and writes ``data.json`` into
the run directory, naming the source. Later notebooks call ``open_dataset(run)``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import config
from ..store import NpyWriter, RunDir, atomic_path, atomic_write_json, read_json
from .images import ImageBatches, open_cache, read_rows, split_indices, to_float32
from .synthfaces import FACTORS, draw_factors, make_faces, render_blocks


@dataclass
class Dataset:
    """An opened image cache with its labels (synthetic factors or CelebA attributes)."""

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


def prepare(cfg: config.Profile, run: RunDir, progress: bool = True) -> Dataset:
    """The series' data step: build or reuse the profile's cache and name it in the run."""
    cache = config.cache_dir(cfg)
    if cfg.data_source == "synthetic":
        path = synthetic_cache(cache, cfg.n_images or 20_000, cfg.image_size, cfg.seed,
                               cfg.factor_distribution, progress)
        source = f"synthetic faces ({cfg.factor_distribution} factors, seed {cfg.seed})"
    else:
        from .celeba import build_celeba_cache

        path = build_celeba_cache(cfg.data, cache, cfg.image_size, cfg.split, cfg.n_images,
                                  progress=progress)
        source = f"CelebA {cfg.split} split from {cfg.data}"
    images = open_cache(path)
    run.save_json("data.json", {"path": str(path), "shape": list(images.shape),
                                "dtype": "uint8", "source": source}, source=source)
    return open_dataset(run)


def open_dataset(run: RunDir) -> Dataset:
    """Open the cache named by the run's ``data.json``, checking its shape."""
    info = run.load_json("data.json")
    path = Path(info["path"])
    if not path.exists():
        raise FileNotFoundError(f"the image cache of this run is gone: {path} (run notebook 01 "
                                f"again to rebuild it)")
    images = open_cache(path)
    if list(images.shape) != info["shape"]:
        raise ValueError(f"{path}: data.json expects shape {tuple(info['shape'])}, "
                         f"found {images.shape}")
    labels: dict[str, np.ndarray] = {}
    factors = path.with_suffix(".factors.npz")
    attrs = path.with_suffix(".attrs.npy")
    if factors.exists():
        with np.load(factors) as z:
            labels = {k: z[k] for k in z.files}
    elif attrs.exists():
        meta = read_json(path.with_suffix(".json"), {})
        values = np.load(attrs)
        labels = {name: values[:, i] for i, name in enumerate(meta.get("attributes", []))}
    return Dataset(images, path, info["source"], labels)


__all__ = ["Dataset", "prepare", "open_dataset", "synthetic_cache", "make_faces", "draw_factors",
           "FACTORS", "ImageBatches", "open_cache", "split_indices", "to_float32"]
