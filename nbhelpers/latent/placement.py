"""Where new z-points (sampler draws) sit relative to the real ones: in z, by the distance to the
nearest real point in units of the real points' own nearest-neighbour distance, and on a 2-D map
(t-SNE) by the share inside the real points' 1st-99th percentile box and the distance to its
centre in units of the real points'."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.neighbors import NearestNeighbors
from sklearn.utils.validation import check_is_fitted


class RealNeighbours(BaseEstimator):
    """The real points' nearest-neighbour scale: ``fit(real)`` learns the neighbour index
    (``nn_``) and the real points' median distance to their own nearest neighbour (``own_``);
    ``ratio(new)`` is the median distance of ``new`` to its nearest real point in units of
    ``own_`` (about 1 among the real points, far above 1 in the voids)."""

    def fit(self, real: np.ndarray) -> RealNeighbours:
        real = np.asarray(real, dtype=np.float64)
        if real.ndim != 2 or len(real) < 2:
            raise ValueError(f"expected real points as an (N >= 2, d) array, found {real.shape}")
        self.nn_ = NearestNeighbors(n_neighbors=2).fit(real)
        self.own_ = float(np.median(self.nn_.kneighbors(real)[0][:, 1]))  # column 0: itself
        return self

    def ratio(self, new: np.ndarray) -> float:
        check_is_fitted(self, "own_")
        d = self.nn_.kneighbors(np.asarray(new, dtype=np.float64), 1)[0][:, 0]
        return float(np.median(d)) / max(self.own_, np.finfo(float).tiny)


@dataclass(frozen=True)
class MapBox:
    """The real points' box on a 2-D map (1st-99th percentiles), centre and median distance."""

    lo: np.ndarray
    hi: np.ndarray
    center: np.ndarray
    spread: float

    @classmethod
    def of(cls, xy: np.ndarray) -> MapBox:
        xy = np.asarray(xy, dtype=np.float64)
        lo, hi = np.percentile(xy, [1, 99], axis=0)
        center = np.median(xy, axis=0)
        return cls(lo, hi, center, float(np.median(np.linalg.norm(xy - center, axis=1))))

    def inside(self, xy: np.ndarray) -> float:
        """The share of ``xy`` inside the box."""
        return float(np.mean(np.all((xy >= self.lo) & (xy <= self.hi), axis=1)))

    def distance(self, xy: np.ndarray) -> float:
        """The median distance of ``xy`` to the centre, in units of the real points'."""
        return float(np.median(np.linalg.norm(xy - self.center, axis=1))) / self.spread
