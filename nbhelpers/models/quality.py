"""How good a reconstruction is, in numbers a reader can judge without looking.

A reconstruction loss alone says little: binary cross-entropy on real photos never reaches 0 (its
floor is the entropy of the pixels themselves), and a model that outputs the average face already
scores well on it. So the AE's loss is set against two references on the same held-out faces:

- the **mean face** (every face reconstructed as the average training image): what an AE must beat
  to have learnt anything about the individual face;
- the **floor** (every face reconstructed perfectly): for BCE the entropy of its pixel values, for
  MSE 0.

``excess_share`` = (AE loss - floor) / (mean-face loss - floor) is the part of the mean face's
excess loss the AE leaves (0: perfect, 1: no better than the mean face). And ``identified`` asks
whether a reconstruction is recognisably *this* face: the share of reconstructions whose nearest
original (pixel distance, among all the held-out faces scored) is their own photo.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core.choices import LOSSES, check_choice
from ..core.pixels import to_float01

EPS = 1e-7  # the clip of ``losses.pixel_bce``


def pixel_loss(targets, predictions, kind: str = "bce") -> np.ndarray:
    """The training loss per image (``losses.pixel_bce`` or ``pixel_mse``, in numpy): mean over
    pixels and channels of float [0, 1] or uint8 images."""
    check_choice("loss", kind, LOSSES)
    y = to_float01(targets).astype(np.float64)
    p = to_float01(predictions).astype(np.float64)
    axes = tuple(range(1, y.ndim))
    if kind == "mse":
        return ((y - p) ** 2).mean(axis=axes)
    p = np.clip(p, EPS, 1 - EPS)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p)).mean(axis=axes)


def loss_floor(targets, kind: str = "bce") -> np.ndarray:
    """The least loss per image any reconstruction can reach: the loss of the image itself."""
    return pixel_loss(targets, targets, kind)


@dataclass(frozen=True)
class ReconstructionQuality:
    """``reconstruction_quality``'s numbers (module docstring), all on the same ``faces``."""

    faces: int
    loss: float
    mean_face_loss: float
    floor: float
    excess_share: float
    identified: float

    def as_dict(self) -> dict:
        return {k: (v if isinstance(v, int) else round(float(v), 5))
                for k, v in self.__dict__.items()}


def identified_share(originals, reconstructions) -> float:
    """The share of reconstructions whose nearest original (Euclidean distance in pixels) is
    their own photo."""
    a = to_float01(originals).reshape(len(originals), -1).astype(np.float64)
    b = to_float01(reconstructions).reshape(len(reconstructions), -1).astype(np.float64)
    d = (b**2).sum(1)[:, None] - 2 * b @ a.T + (a**2).sum(1)[None, :]
    return float(np.mean(d.argmin(axis=1) == np.arange(len(b))))


def reconstruction_quality(originals, reconstructions, mean_face, kind: str = "bce"
                           ) -> ReconstructionQuality:
    """The AE's loss on ``originals`` against the ``mean_face``'s (float [0, 1], H x W x 3) and
    the floor, and the share of reconstructions that identify their own photo."""
    if len(originals) != len(reconstructions) or len(originals) < 2:
        raise ValueError(f"expected as many reconstructions as originals (at least 2), found "
                         f"{len(originals)} and {len(reconstructions)}")
    mean = np.broadcast_to(np.asarray(mean_face, np.float32), np.shape(originals))
    loss = float(pixel_loss(originals, reconstructions, kind).mean())
    mean_loss = float(pixel_loss(originals, mean, kind).mean())
    floor = float(loss_floor(originals, kind).mean())
    excess = (loss - floor) / (mean_loss - floor) if mean_loss > floor else float("nan")
    return ReconstructionQuality(len(originals), loss, mean_loss, floor, excess,
                                 identified_share(originals, reconstructions))


def mean_image(images, indices, chunk: int = 1024) -> np.ndarray:
    """The mean of ``images[indices]`` (a uint8 array or an opened cache) as float32 [0, 1]
    (H, W, 3), read in chunks: a cache on disk is never loaded whole."""
    from ..data.images import read_rows

    total = None
    for s in range(0, len(indices), chunk):
        part = to_float01(read_rows(images, indices[s:s + chunk])).astype(np.float64).sum(axis=0)
        total = part if total is None else total + part
    return (total / len(indices)).astype(np.float32)
