"""Linear projections onto planes of two axes, and zoomed squares of them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def plane(x: np.ndarray, i: int, j: int, half_width: float | None = None,
          center=(0.0, 0.0)) -> np.ndarray:
    """Points of ``x`` projected onto axes (i, j), optionally only those inside the square of side
    2 * ``half_width`` around ``center``; returns (m, 2)."""
    p = np.asarray(x)[:, [i, j]]
    if half_width is None:
        return p
    inside = (np.abs(p[:, 0] - center[0]) <= half_width) & (np.abs(p[:, 1] - center[1]) <= half_width)
    return p[inside]


@dataclass(frozen=True)
class ZoomPanel:
    """The points of a plane inside one square (or the whole plane when ``half_width`` is None)."""

    i: int
    j: int
    points: np.ndarray  # (m, 2)
    half_width: float | None
    center: tuple[float, float]

    @property
    def count(self) -> int:
        return len(self.points)


def zoom_panels(x: np.ndarray, i: int, j: int, half_widths=(None, 2.5, 0.5, 0.25),
                center=(0.0, 0.0)) -> list[ZoomPanel]:
    """Projection onto axes (i, j), then squares of side 2 * half_width around ``center``
    (None: the whole plane). The blog zooms to squares of side 5, 1 and 0.5."""
    center = (float(center[0]), float(center[1]))
    return [ZoomPanel(int(i), int(j), plane(x, i, j, hw, center), hw, center) for hw in half_widths]


def flatness(points: np.ndarray, m: int = 10) -> float | None:
    """How far from line-like a 2-D point set is: per point, the ratio of the smaller to the
    larger principal variance of it and its ``m`` nearest neighbours, and the median over the
    points. Points on a line give 0; a uniform or Gaussian patch about 0.5 (m = 10); None with fewer
    than m + 1 points."""
    from sklearn.neighbors import NearestNeighbors

    p = np.asarray(points, dtype=np.float64)
    if len(p) < m + 1:
        return None
    idx = NearestNeighbors(n_neighbors=m + 1).fit(p).kneighbors(p, return_distance=False)
    nb = p[idx] - p[idx].mean(axis=1, keepdims=True)
    cov = np.einsum("nki,nkj->nij", nb, nb) / (m + 1)
    w = np.linalg.eigvalsh(cov)  # ascending: (small, large)
    return float(np.median(w[:, 0] / np.maximum(w[:, 1], np.finfo(float).tiny)))


@dataclass(frozen=True)
class SquareFlatness:
    """``flatness`` of the points of one square and of a reference's points in the same square,
    both measured after dividing each axis by the reference's standard deviation there (so that an
    anisotropic projection does not read as lines); ``ratio`` = z / reference, below 1 where the
    points are more line-like than the reference. None where either side has too few points."""

    z: float | None
    reference: float | None
    z_points: int
    reference_points: int

    @property
    def ratio(self) -> float | None:
        if self.z is None or self.reference is None or self.reference <= 0:
            return None
        return self.z / self.reference

    def record(self) -> dict:
        r = self.ratio
        return {"z": None if self.z is None else round(self.z, 4),
                "reference": None if self.reference is None else round(self.reference, 4),
                "ratio": None if r is None else round(r, 4),
                "z_points": self.z_points, "reference_points": self.reference_points}


def square_flatness(points: np.ndarray, reference: np.ndarray, m: int = 10,
                    min_points: int = 50) -> SquareFlatness:
    """The line measure of one zoom square for ``points`` against ``reference`` (both (n, 2)),
    each side measured only with at least ``min_points`` points."""
    p, r = np.asarray(points, np.float64), np.asarray(reference, np.float64)
    enough = len(p) >= min_points and len(r) >= min_points
    sd = np.maximum(r.std(axis=0), np.finfo(float).tiny) if enough else 1.0
    return SquareFlatness(flatness(p / sd, m) if enough else None,
                          flatness(r / sd, m) if enough else None, len(p), len(r))
