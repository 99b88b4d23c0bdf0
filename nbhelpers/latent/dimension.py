"""Intrinsic dimension of a point cloud with scikit-dimension: are the filaments one-dimensional?

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


@dataclass
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
