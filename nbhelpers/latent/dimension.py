"""Intrinsic dimension of a point cloud: are the filaments one-dimensional?

``intrinsic_dimension`` uses scikit-dimension's estimators; ``dimension_by_scale`` (the local
dimension against the neighbourhood's size, where the blog saw its filaments) is numpy.

The blog reads lines in every plane projection as a hint of thin, nearly one-dimensional
filaments, and leaves the question open. Here it is a number: TwoNN (Facco et al. 2017) and the
Levina-Bickel maximum-likelihood estimator over a random subset (global), and local PCA (the
number of components above 5 % of the largest eigenvalue, scikit-dimension's ``lPCA``) in the
``k``-neighbourhoods of the densest points (smallest distance to their k-th neighbour) and of
random points. A one-dimensional filament gives about 1 locally; a Gaussian cloud gives its full
rank, capped by k - 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.neighbors import NearestNeighbors

from .subsets import subset


@dataclass(frozen=True)
class IntrinsicDimension:
    twonn: float  # global TwoNN estimate
    mle: float  # global Levina-Bickel MLE
    local_dense: float  # median local-PCA dimension in the densest neighbourhoods
    local_random: float  # the same around random points
    n: int
    k: int
    n_local: int

    def record(self) -> dict:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in vars(self).items()}


def intrinsic_dimension(x: np.ndarray, n_points: int = 5_000, k: int = 100, n_local: int = 50,
                        seed: int = 0) -> IntrinsicDimension:
    """Global and local intrinsic dimension of ``x`` (N, d) on a random subset of ``n_points``."""
    import skdim

    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or len(x) < 3 * k or k < 5:
        raise ValueError(f"expected an (N, d) array with N >= 3 k and k >= 5, found {x.shape} "
                         f"with k = {k}")
    sub = x[subset(len(x), n_points, seed)]
    twonn = float(skdim.id.TwoNN().fit(sub).dimension_)
    mle = float(skdim.id.MLE().fit(sub).dimension_)
    dist, idx = NearestNeighbors(n_neighbors=k).fit(sub).kneighbors(sub)
    n_local = min(n_local, len(sub))
    dense = np.argsort(dist[:, -1], kind="stable")[:n_local]
    rand = np.random.default_rng(seed).choice(len(sub), n_local, replace=False)

    def local(rows) -> float:
        return float(np.median([skdim.id.lPCA().fit(sub[idx[r]]).dimension_ for r in rows]))

    return IntrinsicDimension(twonn, mle, local(dense), local(rand), len(sub), k, n_local)


@dataclass(frozen=True)
class DimensionByScale:
    """The Levina-Bickel maximum-likelihood dimension at each neighbourhood size ``k``, from a few
    neighbours up to the whole cloud, with the neighbourhoods' median radius (distance to the
    k-th neighbour, in the data's units) as the scale."""

    k: np.ndarray  # neighbourhood sizes
    radius: np.ndarray  # median distance to the k-th neighbour at each k
    dimension: np.ndarray  # the dimension estimate at each k
    n: int  # points the neighbours are taken from (all of them)
    queries: int  # points whose neighbourhoods are averaged

    def lowest(self, up_to: float = 0.1) -> tuple[float, int]:
        """The lowest estimate and its k among neighbourhoods of at most ``up_to`` of the cloud
        (larger ones reach the cloud's edge, where every estimate falls)."""
        keep = self.k <= max(up_to * self.n, self.k[0])
        i = int(np.argmin(np.where(keep, self.dimension, np.inf)))
        return float(self.dimension[i]), int(self.k[i])

    def record(self) -> dict:
        return {"k": [int(v) for v in self.k], "radius": [round(float(v), 4) for v in self.radius],
                "dimension": [round(float(v), 3) for v in self.dimension],
                "n": self.n, "queries": self.queries}


def ladder(n: int, smallest: int = 5, steps: int = 14) -> np.ndarray:
    """Neighbourhood sizes from ``smallest`` to n - 1, evenly spaced in logarithm."""
    if n - 1 < smallest:
        raise ValueError(f"a ladder from {smallest} neighbours needs more than {smallest} points, "
                         f"found {n}")
    return np.unique(np.geomspace(smallest, n - 1, steps).round().astype(int))


def dimension_by_scale(x: np.ndarray, ks=None, queries: int | None = 5_000, seed: int = 0,
                       chunk: int = 500) -> DimensionByScale:
    """Local intrinsic dimension of ``x`` (N, d) against neighbourhood size: for each of
    ``queries`` random points (None: every point) its sorted distances to all N points, then at
    each k of ``ks`` (default ``ladder(N)``) the Levina-Bickel estimate averaged as MacKay and
    Ghahramani do (the mean of the inverse per-point estimates, inverted). A thin filament gives
    about 1 at scales between its thickness and its curvature; a Gaussian cloud gives its rank at
    small k (somewhat less in many dimensions: finite samples), and every cloud falls at k near N.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or len(x) < 8:
        raise ValueError(f"expected an (N, d) array with N >= 8, found shape {x.shape}")
    n = len(x)
    ks = ladder(n) if ks is None else np.unique(np.asarray(ks, dtype=int))
    if ks[0] < 2 or ks[-1] > n - 1:
        raise ValueError(f"neighbourhood sizes must lie in [2, {n - 1}], found {ks[0]}..{ks[-1]}")
    rows = subset(n, n if queries is None else queries, seed)
    sq = (x * x).sum(axis=1)
    inv, radii = np.zeros(len(ks)), []
    for start in range(0, len(rows), chunk):
        q = rows[start:start + chunk]
        d2 = np.clip(sq[q, None] + sq[None, :] - 2 * x[q] @ x.T, 0.0, None)
        d2[np.arange(len(q)), q] = np.inf  # a point is not its own neighbour
        dist = np.sqrt(np.sort(d2, axis=1)[:, :ks[-1]])
        logd = np.log(np.maximum(dist, np.finfo(float).tiny))
        csum = np.cumsum(logd, axis=1)
        # per point: mean over j < k of log(T_k / T_j), the inverse of its dimension estimate
        s = logd[:, ks - 1] - csum[:, ks - 2] / (ks - 1)
        inv += s.sum(axis=0)
        radii.append(dist[:, ks - 1])
    inv /= len(rows)
    radius = np.median(np.concatenate(radii), axis=0)
    return DimensionByScale(ks, radius, 1.0 / np.maximum(inv, 1e-12), n, len(rows))
