"""Pearson correlation: the matrix, its strongest pairs, and how far it is from the identity."""

from __future__ import annotations

import numpy as np


def pearson(z: np.ndarray) -> np.ndarray:
    """The Pearson correlation matrix of the columns of ``z`` (d, d)."""
    return np.corrcoef(np.asarray(z, dtype=np.float64), rowvar=False)


def top_correlated_pairs(r: np.ndarray, k: int = 4) -> list[tuple[int, int, float]]:
    """The ``k`` axis pairs with the largest |Pearson coefficient|: [(i, j, rho)]."""
    iu = np.triu_indices_from(r, k=1)
    order = np.argsort(-np.abs(r[iu]))[:k]
    return [(int(iu[0][o]), int(iu[1][o]), float(r[iu][o])) for o in order]


def pearson_check(x: np.ndarray) -> dict[str, float]:
    """How far the Pearson matrix of ``x`` is from the identity (diagonal of ones)."""
    r = pearson(x)
    off = r - np.diag(np.diag(r))
    return {"max_offdiag": float(np.abs(off).max()),
            "max_diag_deviation": float(np.abs(np.diag(r) - 1.0).max())}
