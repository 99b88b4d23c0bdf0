"""Random subsets of rows, reproducible for a seed."""

from __future__ import annotations

import numpy as np


def subset(n_total: int, n: int | None, seed: int = 0) -> np.ndarray:
    """Sorted random indices of ``n`` of ``n_total`` rows (all when n is None or larger)."""
    if n is None or n >= n_total:
        return np.arange(n_total)
    return np.sort(np.random.default_rng(seed).choice(n_total, n, replace=False))
