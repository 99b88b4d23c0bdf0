"""The data step: which image cache a run uses (``data.json``), and its train/validation split."""

from __future__ import annotations

import numpy as np

from .. import config
from ..data import Dataset, open_labelled, split_indices, synthetic_cache
from ..store import RunDir


def build(cfg: config.Profile, progress: bool = True) -> Dataset:
    """Build or reuse the profile's cache (synthetic faces or CelebA) and open it."""
    cache = config.cache_dir(cfg)
    if cfg.data_source == "synthetic":
        path = synthetic_cache(cache, cfg.n_images or 20_000, cfg.image_size, cfg.seed,
                               cfg.factor_distribution, progress)
        source = f"synthetic faces ({cfg.factor_distribution} factors, seed {cfg.seed})"
    else:
        from ..data.celeba import build_celeba_cache

        path = build_celeba_cache(cfg.data, cache, cfg.image_size, cfg.split, cfg.n_images,
                                  progress=progress)
        source = f"CelebA {cfg.split} split from {cfg.data}"
    return open_labelled(path, source)


def prepare(cfg: config.Profile, run: RunDir, progress: bool = True) -> Dataset:
    """``build`` the profile's data set and name it in the run (``data.json``: the cache, its
    kind, "synthetic" or "celeba", and ``factors``, how many factors drew the images where
    known)."""
    ds = build(cfg, progress)
    source, path = ds.source, ds.path
    factors = len(ds.labels) if cfg.data_source == "synthetic" and ds.labels else None
    run.save_json("data.json", {"path": str(path), "shape": list(ds.shape), "dtype": "uint8",
                                "source": source, "kind": cfg.data_source, "factors": factors},
                  source=source)
    return ds


def open_dataset(run: RunDir) -> Dataset:
    """Open the cache named by the run's ``data.json``, checking its shape."""
    info = run.load_json("data.json")
    try:
        return open_labelled(info["path"], info["source"], info["shape"])
    except FileNotFoundError:
        raise FileNotFoundError(f"the image cache of this run is gone: {info['path']} (run "
                                f"notebook 01 again to rebuild it)") from None


def split(cfg: config.Profile, ds: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """(train, validation) indices: the same seeded split for every model and notebook of a run;
    ``train_images`` for training where the data set holds more (the celeba profile: 170,000 of
    CelebA's 182,637 train and validation images, as the blog), else ``val_fraction`` held out."""
    return split_indices(len(ds), cfg.val_fraction, cfg.seed, cfg.train_images)


def held_out(cfg: config.Profile, ds: Dataset, n: int = 10) -> np.ndarray:
    """The first ``n`` validation images (uint8)."""
    return ds.take(split(cfg, ds)[1][:n])


def factor_count(run: RunDir) -> int | None:
    """How many factors drew the run's images (synthetic faces: 21), None for CelebA, external
    z-points or a cache without its factor table: the truth an intrinsic-dimension estimate is
    compared with. Read from ``data.json``'s ``factors`` (runs written before that field: from
    the cache's factor table)."""
    info = run.load_json("data.json")
    if "factors" in info:
        return info["factors"]
    ds = open_dataset(run)
    return len(ds.labels) if ds.labels and "CelebA" not in ds.source else None
