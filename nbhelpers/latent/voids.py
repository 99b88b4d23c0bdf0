"""Voids as a number: the share of empty cells of a grid laid over a 2-D map, against a reference.

A map of z-points (a t-SNE embedding, a plane projection) is compared with the same map of a
Gaussian sample that has the z-points' mean and covariance and went through the same path (same
n, same PCA, same t-SNE settings). t-SNE draws worm-like filaments and voids even from a Gaussian,
so only the difference from the reference is evidence of voids in z.

The grid covers the reference's 1st-99th percentile box with about ``per_cell`` reference points
per cell, so neither map is empty by construction; the ratio of the two empty shares is the
measure (1: as empty as a Gaussian; above 1: more voids than a Gaussian has).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .pca import LatentPCA


@dataclass(frozen=True)
class VoidShare:
    """Empty-cell shares of a map and its reference on one grid, and their ratio."""

    empty: float  # share of empty cells for the z-points
    empty_reference: float  # the same for the Gaussian reference
    cells: int  # cells in the grid (side x side)
    box: tuple[float, float, float, float]  # x0, x1, y0, y1: the reference's 1-99 % box

    @property
    def ratio(self) -> float:
        return float(self.empty / self.empty_reference) if self.empty_reference > 0 else float("inf")

    def record(self) -> dict:
        return {"empty": round(self.empty, 4), "empty_reference": round(self.empty_reference, 4),
                "ratio": round(self.ratio, 4), "cells": self.cells}


def empty_share(xy: np.ndarray, box, side: int) -> float:
    """The share of the side x side cells of ``box`` that hold none of the points ``xy``."""
    x0, x1, y0, y1 = box
    counts, _, _ = np.histogram2d(xy[:, 0], xy[:, 1], bins=side, range=[[x0, x1], [y0, y1]])
    return float(np.mean(counts == 0))


def void_share(xy: np.ndarray, reference: np.ndarray, per_cell: float = 5.0,
               normalise: bool = False) -> VoidShare:
    """Empty-cell shares of ``xy`` and ``reference`` (both (n, 2)) on the reference's grid.

    ``normalise`` centres each map and scales it to unit RMS radius first: for t-SNE maps, whose
    position and scale carry no meaning, so that only the arrangement of points is compared."""
    xy, reference = np.asarray(xy, np.float64), np.asarray(reference, np.float64)
    if normalise:
        xy, reference = _unit_rms(xy), _unit_rms(reference)
    if xy.ndim != 2 or xy.shape[1] != 2 or reference.ndim != 2 or reference.shape[1] != 2:
        raise ValueError(f"expected two maps of shape (n, 2), found {xy.shape} and {reference.shape}")
    if per_cell <= 0 or len(reference) < 4 * per_cell:
        raise ValueError(f"need per_cell > 0 and at least 4 * per_cell reference points, found "
                         f"per_cell={per_cell} and {len(reference)} points")
    lo, hi = np.percentile(reference, 1, axis=0), np.percentile(reference, 99, axis=0)
    box = (float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1]))
    inside = ((reference >= lo) & (reference <= hi)).all(axis=1).sum()
    side = max(2, int(np.sqrt(inside / per_cell)))
    return VoidShare(empty_share(xy, box, side), empty_share(reference, box, side), side * side, box)


def _unit_rms(xy: np.ndarray) -> np.ndarray:
    c = xy - xy.mean(axis=0)
    return c / np.sqrt((c**2).sum(axis=1).mean())


def gaussian_reference(z: np.ndarray, seed: int = 0) -> np.ndarray:
    """A sample of len(z) points from the normal distribution with z's mean and covariance."""
    z = np.asarray(z, np.float64)
    rng = np.random.default_rng(seed)
    mean, cov = z.mean(axis=0), np.cov(z, rowvar=False)
    w, v = np.linalg.eigh(cov)
    root = v * np.sqrt(np.clip(w, 0.0, None))
    return (mean + rng.standard_normal(z.shape) @ root.T).astype(np.float32)


def ratio_summary(voids) -> dict:
    """The median, smallest and largest void ratio over several maps (``VoidShare``s), and how
    many: the one number that reads "more voids than a Gaussian" over a whole study."""
    ratios = sorted(v.ratio for v in voids)
    if not ratios:
        raise ValueError("no void shares to summarise")
    return {"median": round(float(np.median(ratios)), 4), "min": round(ratios[0], 4),
            "max": round(ratios[-1], 4), "maps": len(ratios)}


def pca_plane_void(z: np.ndarray, reference: np.ndarray, pca: LatentPCA | None = None) -> VoidShare:
    """Void share of the plane of ``z``'s first two principal components (``pca``, default
    fitted on ``z``) against ``reference`` projected onto the same plane."""
    pca = pca or LatentPCA().fit(z)
    return void_share(pca.transform(z)[:, :2], pca.transform(reference)[:, :2])
