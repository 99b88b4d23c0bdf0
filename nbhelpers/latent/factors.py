"""How the known factors of the data sit in a latent space: linear probes, DCI and MIG.

``probe_factors(z, factors)`` with z (N, D) and the factors that drew each image (N, K) returns a
``FactorProbe``:

- ``r2`` (K,): for a continuous factor, a ridge regression from standardised z, R^2 on held-out
  rows (``test_size``): how well the factor can be read linearly from z. For z_k = s f_k + noise
  with unit-variance f_k, the expected R^2 is s^2 / (s^2 + noise^2).
- ``accuracy``, ``balanced_accuracy``, ``auc`` (K,): for a binary factor (two values: CelebA's
  attributes, the synthetic faces' glasses), a logistic regression from standardised z, scored
  on the held-out rows as a classifier.
- ``importances`` (D, K): |coefficient| of each standardised z axis in each factor's probe: the
  matrix Eastwood and Williams (2018, "A Framework for the Quantitative Evaluation of
  Disentangled Representations") build DCI from.
- ``dci``: as disentanglement_lib computes it, from importances normalised per factor:
  disentanglement (each code axis explains one factor: 1 - entropy of its row in base K,
  weighted by the row's share of all importance), completeness (each factor is explained by one
  axis: 1 - entropy of its column in base D, weighted by the column's share) and
  informativeness (the mean held-out score: R^2 of continuous factors, accuracy of binary ones,
  as disentanglement_lib scores its discrete factors).
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


def dci(importances: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    """Disentanglement, completeness and informativeness (the mean of the probes' held-out
    ``scores``) from an importance matrix (D, K), by
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
            "informativeness": float(np.mean(scores))}


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


def is_binary(column: np.ndarray) -> bool:
    """A factor with exactly two values (0/1, -1/1, a present/absent attribute): probed as a
    class, not a number."""
    return len(np.unique(column)) == 2


@dataclass(frozen=True)
class FactorProbe:
    """What ``probe_factors`` measured (module docstring): per factor the held-out ``r2``
    (continuous factors; NaN for binary ones) or ``accuracy``, ``balanced_accuracy`` and ``auc``
    (binary factors; NaN for continuous ones), the ``importances`` (D, K), ``dci``, ``mig`` and
    the ``mutual_information`` (D, K) it came from; ``coef`` (D, K) and ``intercept`` (K,) of the
    probes on z standardised by ``mean`` and ``scale`` (D,), for ``predict``."""

    names: list[str]
    binary: np.ndarray  # (K,) bool
    r2: np.ndarray
    accuracy: np.ndarray
    balanced_accuracy: np.ndarray
    auc: np.ndarray
    importances: np.ndarray
    dci: dict[str, float]
    mig: float
    mutual_information: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    mean: np.ndarray
    scale: np.ndarray

    @property
    def score(self) -> np.ndarray:
        """(K,) what a probe reads of each factor: R^2 for continuous, ROC AUC for binary."""
        return np.where(self.binary, self.auc, self.r2)

    def predict(self, z: np.ndarray, factor: str) -> np.ndarray:
        """The probe of ``factor`` on new z-points: the probability of the attribute (binary) or
        the predicted value (continuous)."""
        k = self.names.index(factor)
        t = (np.asarray(z, np.float64) - self.mean) / self.scale @ self.coef[:, k] \
            + self.intercept[k]
        return 1.0 / (1.0 + np.exp(-t)) if self.binary[k] else t

    def table(self) -> dict[str, dict]:
        """{factor: {kind, r2 or accuracy, balanced_accuracy and auc, best_axis,
        best_axis_share}}: the held-out scores and the z axis carrying the largest share of the
        factor's importance."""
        share = self.importances / np.maximum(self.importances.sum(axis=0), 1e-12)
        out = {}
        for k, name in enumerate(self.names):
            if self.binary[k]:
                row = {"kind": "binary", "accuracy": _r(self.accuracy[k]),
                       "balanced_accuracy": _r(self.balanced_accuracy[k]), "auc": _r(self.auc[k])}
            else:
                row = {"kind": "continuous", "r2": _r(self.r2[k])}
            out[name] = {**row, "best_axis": int(share[:, k].argmax()),
                         "best_axis_share": round(float(share[:, k].max()), 4)}
        return out

    def summary(self) -> dict:
        """Means over the factors (``r2_mean`` over continuous ones, ``auc_mean`` and
        ``balanced_accuracy_mean`` over binary ones, each where there are any), DCI and MIG."""
        out = {}
        if (~self.binary).any():
            out["r2_mean"] = _r(np.nanmean(self.r2[~self.binary]))
        if self.binary.any():
            out["auc_mean"] = _r(np.nanmean(self.auc[self.binary]))
            out["balanced_accuracy_mean"] = _r(np.nanmean(self.balanced_accuracy[self.binary]))
        return {**out, **{k: round(v, 4) for k, v in self.dci.items()}, "mig": round(self.mig, 4)}


def _r(v) -> float | None:
    """A score rounded for the record; None where it could not be measured (one class only)."""
    return None if not np.isfinite(v) else round(float(v), 4)


def probe_factors(z: np.ndarray, factors: np.ndarray, names=None, alpha: float = 1.0,
                  test_size: float = 0.25, n_bins: int = 20, seed: int = 0,
                  max_points: int | None = 10_000) -> FactorProbe:
    """Linear probes of each factor from standardised z, fitted on a random ``1 - test_size`` of
    the rows and scored on the rest: a ridge regression (``alpha``) for a continuous factor
    (held-out R^2), an L2 logistic regression (C = 1 / ``alpha``) for a binary one (held-out
    accuracy, balanced accuracy and ROC AUC: binary attributes such as CelebA's are imbalanced,
    Bald 2 %, so accuracy alone says little). DCI from their importances (|coefficient|) and
    scores, informativeness as disentanglement_lib computes it for its discrete factors: mean
    accuracy (R^2 for continuous factors); MIG on a random subset of ``max_points`` rows (None:
    all), ``n_bins`` bins per continuous variable, binary factors at their two levels. ``seed``
    picks the split and the subset."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import balanced_accuracy_score, roc_auc_score

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
    scale = np.where(std > 0, std, 1.0)
    zs = (z - mean) / scale
    names = list(names) if names is not None else [f"factor {k}" for k in range(f.shape[1])]
    k_all = f.shape[1]
    binary = np.array([is_binary(f[:, k]) for k in range(k_all)])
    nan = np.full(k_all, np.nan)
    r2, acc, bal, auc = nan.copy(), nan.copy(), nan.copy(), nan.copy()
    coef, intercept = np.zeros((z.shape[1], k_all)), np.zeros(k_all)
    for k in range(k_all):
        y = f[:, k]
        if binary[k]:
            y = (y > y.min()).astype(int)
            if len(np.unique(y[train])) < 2:
                continue  # one class in the training rows: nothing to learn, scores stay NaN
            model = LogisticRegression(C=1.0 / alpha, max_iter=1000).fit(zs[train], y[train])
            prob = model.predict_proba(zs[test])[:, 1]
            acc[k] = float(np.mean((prob > 0.5) == y[test]))
            if len(np.unique(y[test])) == 2:
                bal[k] = balanced_accuracy_score(y[test], prob > 0.5)
                auc[k] = roc_auc_score(y[test], prob)
            coef[:, k], intercept[k] = model.coef_[0], model.intercept_[0]
        else:
            model = Ridge(alpha=alpha).fit(zs[train], y[train])
            pred = model.predict(zs[test])
            resid = ((y[test] - pred) ** 2).sum()
            total = max(((y[test] - y[test].mean()) ** 2).sum(), 1e-12)
            r2[k] = 1.0 - resid / total
            coef[:, k], intercept[k] = model.coef_, model.intercept_
    score = np.nan_to_num(np.where(binary, acc, np.clip(r2, 0, 1)))
    rows = subset(len(z), max_points, seed)
    gap, mi = mig(z[rows], f[rows], n_bins)
    return FactorProbe(names, binary, r2, acc, bal, auc, np.abs(coef), dci(np.abs(coef), score),
                       gap, mi, coef, intercept, mean, scale)
