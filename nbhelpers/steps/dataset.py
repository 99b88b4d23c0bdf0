"""The data step: which images a run uses (``data.json``), their labels, and the train/validation
split.

Synthetic faces are drawn by the series (``data.synthetic_cache``); photos come from any folder or
zip (``data.photos``), with their labels from a CSV the profile names or CelebA's attribute file
beside them (``data.labels``). ``check_photos`` reads and checks the photos' listing and labels
before anything is written; ``prepare`` builds the cache, keeps the labels aligned with it in the
run (``labels.npy``) and says in ``data.json`` and on screen which photos were used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import config
from ..data import Dataset, open_labelled, split_indices, synthetic_cache
from ..data.labels import LabelTable, is_binary, parse_celeba_attributes, read_label_csv
from ..data.photos import (
    ATTRIBUTE_FILES,
    PhotoSource,
    Selection,
    build_photo_cache,
    cache_manifest,
    select,
)
from ..store import Files, RunDir
from .artifacts import data_info


@dataclass(frozen=True)
class PhotoInput:
    """The photos of a profile's ``data`` and their labels (None: none found), checked."""

    source: PhotoSource
    selection: Selection
    labels: LabelTable | None


def check_photos(cfg: config.Profile) -> PhotoInput:
    """List the photos of ``cfg.data``, choose the profile's (``split``, the first ``n_images``)
    and read their labels: ``cfg.labels`` (a CSV checked against every photo of the folder),
    else CelebA's attribute file inside or beside it (checked against the chosen photos), else
    none. Raises (ValueError, FileNotFoundError, ``data.labels.LabelError``) naming the file and
    the rows concerned; writes nothing."""
    src = PhotoSource(cfg.data)
    chosen = select(src, cfg.split, cfg.n_images)
    if cfg.labels:
        table = read_label_csv(cfg.labels, src.images)
    else:
        found = src.find_text(ATTRIBUTE_FILES)
        table = parse_celeba_attributes(found[1], found[0], chosen.names) if found else None
    return PhotoInput(src, chosen, table)


def build(cfg: config.Profile, progress: bool = True) -> Dataset:
    """Build or reuse the profile's synthetic-face cache and open it with its factors."""
    path = synthetic_cache(config.cache_dir(cfg), cfg.n_images or 20_000, cfg.image_size,
                           cfg.seed, cfg.factor_distribution, progress)
    return open_labelled(path, f"synthetic faces ({cfg.factor_distribution} factors, seed "
                               f"{cfg.seed})")


def _photo_lines(cfg: config.Profile, meta: dict, labels: LabelTable | None) -> list[str]:
    """What a photo run says of its data: how many photos of how many, why, what was upsampled,
    what was skipped, which labels."""
    used, available = meta["count"], meta["available"]
    asked = f"the {cfg.name} profile asks for " + (f"{cfg.n_images:,}" if cfg.n_images else "all")
    lines = [f"photos: {used:,} of the {available:,} available in {meta['source']} "
             f"({meta['selection']}; {asked})"]
    sizes = meta.get("source_sizes") or {}
    if sizes.get("upsampled"):
        w, h = sizes["median"]
        lines.append(f"upsampled: {sizes['upsampled']:,} photos' square crops are smaller than "
                     f"{cfg.image_size}x{cfg.image_size} (median photo {w}x{h}, crop "
                     f"{min(w, h)}x{min(w, h)})")
    if meta["skipped"]:
        lines.append(f"skipped: {len(meta['skipped']):,} unreadable file(s), e.g. "
                     f"{', '.join(sorted(meta['skipped'])[:3])} (all named in data.json)")
    if labels is None:
        lines.append("labels: none (no --labels CSV and no list_attr_celeba file beside the "
                     "photos): notebook 07 cannot probe factors")
    else:
        kinds = sum(labels.binary)
        lines.append(f"labels: {len(labels.names)} ({kinds} binary, "
                     f"{len(labels.names) - kinds} continuous) from {labels.source}")
    return lines


def prepare(cfg: config.Profile, run: RunDir, progress: bool = True) -> Dataset:
    """Build or reuse the profile's data set and name it in the run: ``data.json`` holds the
    cache, its kind ("synthetic" or "photos"), ``factors`` (how many factors drew the images,
    where known) and ``labels`` (names, which are binary, their file); for photos also
    ``images`` (folder, count used and available, the digest of the photos' names, the skipped
    files, their original sizes), with the labels aligned to the cache in ``labels.npy``."""
    if cfg.data_source == "synthetic":
        ds = build(cfg, progress)
        factors = len(ds.labels) or None
        labels = {"names": list(ds.labels), "source": "the factors that drew each face",
                  "binary": [is_binary(v) for v in ds.labels.values()]}
        run.save_json(Files.DATA, {"path": str(ds.path), "shape": list(ds.shape),
                                    "dtype": "uint8", "source": ds.source, "kind": "synthetic",
                                    "factors": factors, "labels": labels}, source=ds.source)
        return ds
    photos = check_photos(cfg)  # before anything is written
    path = build_photo_cache(cfg.data, config.cache_dir(cfg), cfg.image_size, cfg.split,
                             cfg.n_images, progress=progress)
    meta = cache_manifest(path)
    lines = _photo_lines(cfg, meta, photos.labels)
    for line in lines:
        print(line)
    source = f"{meta['count']:,} photos from {meta['source']}"
    labels = None
    if photos.labels is not None:
        run.save_array(Files.LABELS, photos.labels.aligned(meta["files"]), source=photos.labels.source)
        labels = photos.labels.summary()
    images = {"folder": meta["source"], "count": meta["count"], "available": meta["available"],
              "selection": meta["selection"], "names_sha256": meta["names_sha256"],
              "source_sizes": meta["source_sizes"], "skipped": meta["skipped"],
              "first": meta["files"][:3], "last": meta["files"][-1]}
    run.save_json(Files.DATA, {"path": str(path), "shape": list(meta["shape"]), "dtype": "uint8",
                                "source": source, "kind": "photos", "factors": None,
                                "images": images, "labels": labels, "notes": lines},
                  source=source)
    return open_labelled(path, source)


def open_dataset(run: RunDir) -> Dataset:
    """Open the cache named by the run's ``data.json``, checking its shape."""
    info = run.load_json(Files.DATA)
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
    """How many factors drew the run's images (synthetic faces: 21), None for photos and
    external z-points: the truth an intrinsic-dimension estimate is compared with."""
    return run.load_json(Files.DATA).get("factors")


def has_labels(run_path) -> bool:
    """Whether the run's images or z-points have labels that notebook 07 can probe."""
    return bool(data_info(run_path).get("labels"))


def data_identity(info: dict) -> dict:
    """Which images a run saw, in the form a baseline keeps (``data`` of a baseline): for photos
    the digest of their names, their count, the cache's shape and the photos' median original
    size (the same names at another resolution are other pixels); else the kind alone."""
    if info.get("kind") != "photos":
        return {"kind": info.get("kind", "synthetic")}
    images = info["images"]
    return {"kind": "photos", "names_sha256": images["names_sha256"], "count": images["count"],
            "shape": list(info["shape"]),
            "median_size": (images.get("source_sizes") or {}).get("median")}
