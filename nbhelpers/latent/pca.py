"""PCA of z-points: explained variance, components for a variance share, PCA after trimming.

Exact SVD (scikit-learn's ``svd_solver="full"``). After the transformation the Pearson matrix of
the components must be the identity (``correlation.pearson_check``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.decomposition import PCA
from sklearn.utils.validation import check_is_fitted

from .subsets import subset


class LatentPCA(BaseEstimator):
    """PCA with explained variance, cumulative importance and components for a variance share.

    Learned: ``mean_``, ``components_`` (k, d), ``explained_variance_``,
    ``explained_variance_ratio_``, ``cumulative_``, ``components_for_target_``."""

    def __init__(self, n_components: int | None = None, target: float = 0.8):
        self.n_components = n_components
        self.target = target

    def fit(self, z: np.ndarray) -> LatentPCA:
        if not 0.0 < self.target <= 1.0:
            raise ValueError(f"target must lie in (0, 1], found {self.target}")
        z = np.asarray(z, dtype=np.float64)
        if z.ndim != 2 or len(z) < 2:
            raise ValueError(f"expected z-points as (N >= 2, d), found {z.shape}")
        pca = PCA(n_components=self.n_components, svd_solver="full").fit(z)
        self.mean_ = pca.mean_
        self.components_ = pca.components_
        self.explained_variance_ = pca.explained_variance_
        self.explained_variance_ratio_ = pca.explained_variance_ratio_
        self.cumulative_ = np.cumsum(self.explained_variance_ratio_)
        self.components_for_target_ = int(np.searchsorted(self.cumulative_, self.target) + 1)
        return self

    def transform(self, z: np.ndarray) -> np.ndarray:
        """PCA coordinates (float32) of ``z``, every fitted component (``n_components``)."""
        check_is_fitted(self, "components_")
        out = (np.asarray(z, dtype=np.float64) - self.mean_) @ self.components_.T
        return out.astype(np.float32)

    def walk(self, axis: int, steps: int = 9, span: float = 3.0, start=None) -> np.ndarray:
        """Points along component ``axis`` through ``start`` (default: the mean), from -span to
        +span standard deviations of that component: (steps, d), float32."""
        check_is_fitted(self, "components_")
        sd = np.sqrt(self.explained_variance_[axis])
        base = self.mean_ if start is None else np.asarray(start, np.float64)
        t = np.linspace(-span, span, steps)[:, None]
        return (base + t * sd * self.components_[axis]).astype(np.float32)

    def point(self, coords) -> np.ndarray:
        """The z-point at ``coords`` standard deviations along the leading len(coords) axes."""
        check_is_fitted(self, "components_")
        c = np.asarray(coords, np.float64)
        sd = np.sqrt(self.explained_variance_[:len(c)])
        return (self.mean_ + (c * sd) @ self.components_[:len(c)]).astype(np.float32)


@dataclass(frozen=True)
class TrimmedPCA:
    """The PCA of the z-points that survive trimming at ``fact`` (or of a random subset of them)."""

    fact: float
    mask: np.ndarray  # which z-points survived
    pca: LatentPCA
    components: np.ndarray  # PCA coordinates of the analysed points (all survivors or a subset)

    @property
    def n(self) -> int:
        return int(self.mask.sum())

    @property
    def n_analysed(self) -> int:
        return len(self.components)


def pca_after_trim(z: np.ndarray, mask: np.ndarray, fact: float, max_points: int | None = None,
                   seed: int = 0) -> TrimmedPCA:
    """PCA of the z-points kept by ``mask`` (``LatentDensity.trim(z, fact)``); with
    ``max_points``, of a random subset of that many survivors (the blog: 80,000)."""
    mask = np.asarray(mask, bool)
    if mask.sum() < 10:
        raise ValueError(f"fact={fact} keeps only {mask.sum()} points; choose a larger fact")
    rows = np.flatnonzero(mask)
    if max_points is not None and len(rows) > max_points:
        rows = np.sort(rows[subset(len(rows), max_points, seed)])
    kept = np.asarray(z)[rows]
    pca = LatentPCA().fit(kept)
    return TrimmedPCA(float(fact), mask, pca, pca.transform(kept))


def component_pairs(n_components: int, first: int = 10, far_max: int = 120, far_step: int = 10,
                    far_leading: int = 9) -> dict[str, list]:
    """Pairs to draw (capped at what exists): all pairs among the first ``first`` components
    ("near", 45 for 10), and each of the first ``far_leading`` components against components
    ``first``, ``first + far_step``, ... below ``far_max`` ("far")."""
    first = min(first, n_components)
    near = [(a, b) for a in range(first) for b in range(a + 1, first)]
    top = min(far_max, n_components) - 1
    targets = list(range(first, top + 1, far_step)) if top >= first else []
    far = [(k, t) for k in range(min(far_leading, first)) for t in targets]
    return {"near": near, "far": far}
