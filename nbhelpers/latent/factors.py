"""How the known factors of the data sit in a latent space: linear probes, DCI and MIG.

``probe_factors(z, factors)`` with z (N, D) and the factors that drew each image (N, K) returns a
``FactorProbe``:

- ``r2`` (K,): a ridge regression per factor from standardised z, R^2 on held-out rows
  (``test_size``): how well each factor can be read linearly from z. For z_k = s f_k + noise with
  unit-variance f_k, the expected R^2 is s^2 / (s^2 + noise^2).
- ``importances`` (D, K): |coefficient| of each standardised z axis in each factor's ridge
  regression (scikit-learn's ``Ridge``): the matrix Eastwood and Williams (2018, "A Framework for
  the Quantitative Evaluation of Disentangled Representations") build DCI from.
- ``dci``: as disentanglement_lib computes it, from importances normalised per factor:
  disentanglement (each code axis explains one factor: 1 - entropy of its row in base K,
  weighted by the row's share of all importance), completeness (each factor is explained by one
  axis: 1 - entropy of its column in base D, weighted by the column's share) and
  informativeness (the mean held-out R^2).
- ``mig``: the Mutual Information Gap (Chen et al. 2018) as computed in disentanglement_lib:
  z axes and continuous factors discretised into ``n_bins`` equal-width bins (20), discrete
  factors at their own levels, the mutual
  information of every (axis, factor) pair, and per factor the gap between its two most
  informative axes divided by the factor's entropy, averaged over factors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import Ridge
from sklearn.metrics import mutual_info_score

from .subsets import subset


def discretise(x: np.ndarray, n_bins: int = 20, keep_discrete: bool = False) -> np.ndarray:
    """Each column of ``x`` into ``n_bins`` equal-width bins, as disentanglement_lib's
    ``make_discretizer`` bins a representation; columns with at most ``n_bins`` distinct values
    (a 0/1 factor) keep their values as codes. With ``keep_discrete``, columns of whole numbers
    (discrete factors) keep their levels however many there are, as the library keeps a ground
    truth factor's values: only continuous columns are binned."""
    x = np.asarray(x)
    out = np.empty(x.shape, np.int64)
    for j in range(x.shape[1]):
        col = x[:, j]
        values = np.unique(col)
        whole = keep_discrete and bool(np.all(np.mod(values, 1) == 0))
        if len(values) <= n_bins or whole:
            out[:, j] = np.searchsorted(values, col)
        else:
            out[:, j] = np.digitize(col, np.histogram(col, n_bins)[1][:-1])
    return out


def _entropy_rows(p: np.ndarray, base: int) -> np.ndarray:
    """1 - entropy (in ``base``) of each row of non-negative weights."""
    p = p / np.maximum(p.sum(axis=1, keepdims=True), 1e-12)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -np.where(p > 0, p * np.log(p), 0.0).sum(axis=1) / np.log(base)
    return 1.0 - h


def dci(importances: np.ndarray, r2: np.ndarray) -> dict[str, float]:
    """Disentanglement, completeness and informativeness from an importance matrix (D, K), by
    disentanglement_lib's formulas (``evaluation/metrics/dci.py``): each factor's importances
    are normalised to sum to 1 first (its gradient-boosted trees' ``feature_importances_`` do),
    so rescaling a factor changes nothing; disentanglement weights each code by its share of all
    importance, completeness each factor by its share (equal after the normalisation)."""
    r = np.abs(np.asarray(importances, dtype=np.float64))
    r = r / np.maximum(r.sum(axis=0, keepdims=True), 1e-12)
    d, k = r.shape
    total = max(r.sum(), 1e-12)
    code_weight, factor_weight = r.sum(axis=1) / total, r.sum(axis=0) / total
    dis = float((code_weight * _entropy_rows(r, k)).sum()) if k > 1 else 1.0
    com = float((factor_weight * _entropy_rows(r.T, d)).sum()) if d > 1 else 1.0
    return {"disentanglement": dis, "completeness": com,
            "informativeness": float(np.mean(r2))}


def mig(z: np.ndarray, factors: np.ndarray, n_bins: int = 20) -> tuple[float, np.ndarray]:
    """(MIG, mutual information matrix (D, K)) of discretised z against the factors, continuous
    ones discretised, discrete ones at their own levels (disentanglement_lib's ``mig.py``)."""
    zc, fc = discretise(z, n_bins), discretise(factors, n_bins, keep_discrete=True)
    mi = np.array([[mutual_info_score(fc[:, k], zc[:, j]) for k in range(fc.shape[1])]
                   for j in range(zc.shape[1])])
    entropy = np.array([mutual_info_score(fc[:, k], fc[:, k]) for k in range(fc.shape[1])])
    top = np.sort(mi, axis=0)[::-1]
    second = top[1] if len(top) > 1 else np.zeros(mi.shape[1])
    keep = entropy > 0
    gaps = (top[0] - second)[keep] / entropy[keep]
    return float(gaps.mean()) if keep.any() else float("nan"), mi


@dataclass(frozen=True)
class FactorProbe:
    """What ``probe_factors`` measured (module docstring): held-out ``r2`` (K,), ``importances``
    (D, K), ``dci``, ``mig`` and the ``mutual_information`` (D, K) it came from."""

    names: list[str]
    r2: np.ndarray
    importances: np.ndarray
    dci: dict[str, float]
    mig: float
    mutual_information: np.ndarray

    def table(self) -> dict[str, dict]:
        """{factor: {r2, best_axis, best_axis_share}}: the held-out R^2 and the z axis carrying
        the largest share of the factor's importance."""
        share = self.importances / np.maximum(self.importances.sum(axis=0), 1e-12)
        return {name: {"r2": round(float(self.r2[k]), 4), "best_axis": int(share[:, k].argmax()),
                       "best_axis_share": round(float(share[:, k].max()), 4)}
                for k, name in enumerate(self.names)}

    def summary(self) -> dict:
        return {"r2_mean": round(float(self.r2.mean()), 4),
                **{k: round(v, 4) for k, v in self.dci.items()}, "mig": round(self.mig, 4)}


def probe_factors(z: np.ndarray, factors: np.ndarray, names=None, alpha: float = 1.0,
                  test_size: float = 0.25, n_bins: int = 20, seed: int = 0,
                  max_points: int | None = 10_000) -> FactorProbe:
    """Linear probes (ridge, ``alpha``) of each factor from standardised z, fitted on a random
    ``1 - test_size`` of the rows and scored on the rest; DCI from their importances and R^2;
    MIG on a random subset of ``max_points`` rows (None: all), ``n_bins`` bins per continuous
    variable. ``seed`` picks the split and the subset."""
    z = np.asarray(z, dtype=np.float64)
    f = np.asarray(factors, dtype=np.float64)
    f = f[:, None] if f.ndim == 1 else f
    if z.ndim != 2 or len(z) != len(f) or len(z) < 20:
        raise ValueError(f"expected z (N >= 20, D) and factors (N, K) with the same N, found "
                         f"{z.shape} and {f.shape}")
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must lie in (0, 1), found {test_size}")
    order = np.random.default_rng(seed).permutation(len(z))
    n_test = max(1, int(round(test_size * len(z))))
    test, train = order[:n_test], order[n_test:]
    mean, std = z[train].mean(axis=0), z[train].std(axis=0)
    zs = (z - mean) / np.where(std > 0, std, 1.0)
    names = list(names) if names is not None else [f"factor {k}" for k in range(f.shape[1])]
    r2 = np.empty(f.shape[1])
    importances = np.empty((z.shape[1], f.shape[1]))
    for k in range(f.shape[1]):
        model = Ridge(alpha=alpha).fit(zs[train], f[train, k])
        pred = model.predict(zs[test])
        resid = ((f[test, k] - pred) ** 2).sum()
        total = max(((f[test, k] - f[test, k].mean()) ** 2).sum(), 1e-12)
        r2[k] = 1.0 - resid / total
        importances[:, k] = np.abs(model.coef_)
    rows = subset(len(z), max_points, seed)
    gap, mi = mig(z[rows], f[rows], n_bins)
    return FactorProbe(names, r2, importances, dci(importances, np.clip(r2, 0, 1)), gap, mi)
