"""Steps of notebooks 03 and 04 that combine density, PCA and ellipses."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .density import LatentDensity
from .ellipses import ConfidenceEllipses, pearson, top_correlated_pairs
from .projections import LatentPCA, pearson_check


@dataclass
class TrimmedPCA:
    fact: float
    mask: np.ndarray
    pca: LatentPCA
    components: np.ndarray  # PCA coordinates of the surviving points

    @property
    def n(self) -> int:
        return int(self.mask.sum())


def pca_after_trim(z: np.ndarray, density: LatentDensity, fact: float) -> TrimmedPCA:
    """Trim outer points at ``fact`` (see ``LatentDensity.trim``), then PCA of the survivors."""
    mask = density.trim(z, fact)
    if mask.sum() < 10:
        raise ValueError(f"fact={fact} keeps only {mask.sum()} points; choose a larger fact")
    kept = np.asarray(z)[mask]
    pca = LatentPCA().fit(kept)
    return TrimmedPCA(fact, mask, pca, pca.transform(kept))


def pca_summary(t: TrimmedPCA) -> dict:
    check = pearson_check(t.components)
    return {"components_for_80pct": t.pca.components_for_target_,
            "pearson_max_offdiag": check["max_offdiag"],
            "pearson_max_diag_deviation": check["max_diag_deviation"],
            "survivors": t.n}


def component_pairs(n_components: int, first: int = 10, far_max: int = 120) -> dict[str, list]:
    """Pairs to draw: neighbours among the first ``first`` components, and each of the first
    five with one component between ``first`` and ``far_max`` (capped at what exists)."""
    first = min(first, n_components)
    near = [(k, k + 1) for k in range(0, first - 1)]
    top = min(far_max, n_components) - 1
    far = []
    if top > first:
        targets = np.linspace(first, top, 5).round().astype(int)
        far = [(k, int(t)) for k, t in zip(range(5), targets, strict=False)]
    return {"near": near, "far": far}


def ellipse_stats(x: np.ndarray, pairs) -> dict[str, dict]:
    """{"i,j": {rho, inside_1sigma, inside_2sigma, inside_3sigma}} for each pair."""
    out = {}
    for i, j in pairs:
        e = ConfidenceEllipses().fit(np.asarray(x)[:, [i, j]])
        out[f"{i},{j}"] = {"rho": round(e.rho_, 4),
                           **{f"inside_{n:g}sigma": round(v, 4) for n, v in e.inside_.items()}}
    return out


def mean_inside(stats: dict[str, dict], n_sigma: int) -> float:
    return float(np.mean([s[f"inside_{n_sigma}sigma"] for s in stats.values()]))


def pair_by_fact(z: np.ndarray, density: LatentDensity, facts, pair=(2, 3)) -> dict[float, np.ndarray]:
    """The PCA pair ``pair`` after trimming at each fact: {fact: (n, 2) points}."""
    out = {}
    for f in facts:
        t = pca_after_trim(z, density, f)
        out[float(f)] = t.components[:, list(pair)]
    return out


def correlated_axes(z: np.ndarray, k: int = 4) -> list[tuple[int, int, float]]:
    """The ``k`` most strongly correlated pairs of original axes."""
    return top_correlated_pairs(pearson(z), k)
