"""How Gaussian is each column of a point set: KS distance to its fitted normal, excess kurtosis.

For the blog's question whether Gaussian latent distributions mirror Gaussian features in the
data: the same two numbers for the z axes, the PCA components and the factors themselves.
A normal column has KS distance near 0 (about 1/sqrt(N) from sampling) and excess kurtosis 0; a
uniform one has KS distance about 0.06 and excess kurtosis -1.2.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from .subsets import subset


def gaussianity(x: np.ndarray, max_points: int = 20_000, seed: int = 0) -> dict[str, np.ndarray]:
    """Per column: ``ks`` (Kolmogorov-Smirnov distance to the normal with the column's mean and
    standard deviation) and ``kurtosis`` (excess, Fisher), on a random subset of ``max_points``."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or len(x) < 8:
        raise ValueError(f"expected an (N >= 8, d) array, found {x.shape}")
    x = x[subset(len(x), max_points, seed)]
    ks = np.empty(x.shape[1])
    for j in range(x.shape[1]):
        col = x[:, j]
        sd = col.std()
        ks[j] = stats.kstest(col, "norm", args=(col.mean(), sd if sd > 0 else 1.0)).statistic
    return {"ks": ks, "kurtosis": stats.kurtosis(x, axis=0, fisher=True)}


def summary(g: dict[str, np.ndarray]) -> dict[str, float]:
    """Median KS distance and median |excess kurtosis| of a ``gaussianity`` result."""
    return {"ks_median": round(float(np.median(g["ks"])), 4),
            "kurtosis_median": round(float(np.median(g["kurtosis"])), 4),
            "abs_kurtosis_median": round(float(np.median(np.abs(g["kurtosis"]))), 4)}


def carried_share(normal: dict, uniform: dict, column: str = "PCA components") -> float:
    """How much of the factors' departure from a normal distribution reaches ``column`` of the
    latent space: (KS of the uniform-factor model's column - the normal-factor model's) / (KS of
    the uniform factors - the normal factors), each a median KS distance (``summary``) in rows
    {"factors": ..., column: ...}. 1: all of it, 0: none, below 0: the column came out closer
    to normal."""
    way = uniform["factors"]["ks_median"] - normal["factors"]["ks_median"]
    return float((uniform[column]["ks_median"] - normal[column]["ks_median"]) / max(way, 1e-9))
