"""Inputs from outside the series, checked before anything is written: z-points from any model
(``read_z``, never with pickle), the images they came from (``read_images``) and the factors
behind them (``read_labels``); a Keras decoder of them is checked by ``models.external``. Every
refusal names the file, what was expected and what was found, and how to fix it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

TORCH_SUFFIXES = (".pt", ".pth", ".ckpt", ".bin")


class InputError(ValueError):
    """An external input that cannot be analysed; the message names the file and the fix."""


def read_z(path: str | Path, key: str | None = None) -> np.ndarray:
    """The z-points of ``path`` as float32 (N, D): a ``.npy`` array or the array ``key`` of an
    ``.npz`` (the only one when ``key`` is None). Refuses, naming the file and what was found:
    a missing file, a PyTorch file, an object (pickled) array, a non-numeric dtype, other than
    two dimensions, fewer than 2 columns, and NaN or infinite values (their count and first
    row)."""
    p = Path(path).expanduser()
    if p.suffix.lower() in TORCH_SUFFIXES:
        raise InputError(
            f"{p}: a PyTorch file ({p.suffix}) cannot be read without pickle, which this series "
            f"never uses on inputs; export the z-points as a NumPy array, e.g. "
            f"np.save('{p.with_suffix('.npy').name}', z.detach().cpu().numpy()), and pass that")
    if p.suffix.lower() not in (".npy", ".npz"):
        raise InputError(f"{p}: expected a .npy file or an .npz archive of z-points, found a "
                         f"'{p.suffix or 'no suffix'}' file")
    if not p.is_file():
        raise InputError(f"{p}: no such file (expected the z-points as a .npy or .npz file)")
    try:
        if p.suffix.lower() == ".npz":
            with np.load(p, allow_pickle=False) as archive:
                names = list(archive.files)
                if key is None and len(names) != 1:
                    raise InputError(f"{p}: the archive holds {len(names)} arrays {names}; name "
                                     f"the z-points with --z-key NAME")
                name = names[0] if key is None else key
                if name not in names:
                    raise InputError(f"{p}: no array named {name!r}; the archive holds {names}")
                z = archive[name]
        else:
            z = np.load(p, allow_pickle=False)
    except ValueError as exc:
        if "pickle" in str(exc).lower() or "object" in str(exc).lower():
            raise InputError(
                f"{p}: holds Python objects (a pickled or object array), which are never loaded "
                f"here; save a numeric array: np.save(path, np.asarray(z, dtype=np.float32))") \
                from None
        raise InputError(f"{p}: not a readable NumPy file ({exc})") from None
    return check_z(z, p)


def check_z(z: np.ndarray, name: str | Path = "z") -> np.ndarray:
    """``z`` as float32 (N, D) after the checks of ``read_z`` (``name`` labels the messages)."""
    if z.dtype.kind not in "fiu":
        raise InputError(f"{name}: expected numbers (float N x D), found dtype {z.dtype}")
    if z.ndim == 1:
        raise InputError(f"{name}: expected one z-point per row (N x D), found a 1-D array of "
                         f"{len(z):,} values; a one-dimensional latent space is z.reshape(-1, 1), "
                         f"but the analyses need D >= 2")
    if z.ndim != 2:
        raise InputError(f"{name}: expected a 2-D array (N x D), found shape {z.shape}; flatten "
                         f"each z-point first: z.reshape(len(z), -1)")
    if z.shape[1] < 2:
        raise InputError(f"{name}: expected at least 2 latent dimensions (planes and PCA pairs), "
                         f"found shape {z.shape}")
    bad = ~np.isfinite(z).all(axis=1)
    if bad.any():
        raise InputError(f"{name}: {int(bad.sum()):,} of {len(z):,} z-points hold NaN or "
                         f"infinite values, the first in row {int(np.argmax(bad))}; drop or fix "
                         f"them before the analysis")
    return np.ascontiguousarray(z, dtype=np.float32)


def read_images(path: str | Path, n: int) -> tuple[Path, tuple[int, ...]]:
    """The images the z-points came from, one per z-point in the same order: a uint8 .npy
    (n, H, W, 3), opened memory-mapped (never with pickle). Returns its path and shape."""
    p = Path(path).expanduser()
    if p.is_dir() or p.suffix.lower() == ".zip":
        raise InputError(f"{p}: folders and zips of images are not read for --images yet; save "
                         f"the images as one uint8 array: np.save('images.npy', "
                         f"np.stack(images).astype(np.uint8))  # (N, H, W, 3), 0-255")
    if p.suffix.lower() != ".npy" or not p.is_file():
        raise InputError(f"{p}: expected a uint8 .npy file of images (N, H, W, 3)"
                         + ("" if p.is_file() else ", found no such file"))
    try:
        images = np.load(p, mmap_mode="r", allow_pickle=False)
    except ValueError as exc:
        raise InputError(f"{p}: not a readable uint8 .npy of images ({exc})") from None
    if images.dtype != np.uint8 or images.ndim != 4 or images.shape[-1] != 3:
        raise InputError(f"{p}: expected uint8 images (N, H, W, 3) with values 0-255, found "
                         f"{images.dtype} {images.shape}")
    if len(images) != n:
        raise InputError(f"{p}: expected one image per z-point ({n:,}, in the same order), "
                         f"found {len(images):,}")
    return p, tuple(images.shape)


def read_labels(path: str | Path, n: int) -> tuple[list[str], np.ndarray]:
    """The factors behind the z-points: a CSV with a header of factor names and one row of
    numbers per z-point, in the same order (``data.labels.read_numeric_csv``). Returns (names,
    values (n, K) float64); InputError naming the file, the column and the first rows."""
    from ..data.labels import LabelError, read_numeric_csv

    try:
        return read_numeric_csv(path, n)
    except LabelError as exc:
        raise InputError(str(exc)) from None
