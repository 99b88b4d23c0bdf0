"""Attribute arithmetic: the direction in z that adds an attribute, and a probe that says whether
it did.

An attribute vector is the mean z of the faces with an attribute minus the mean z of those
without (Foster, "Generative Deep Learning", ch. 3, with CelebA's Smiling). Added in steps to a
face's z and decoded, it should add the attribute; whether it did is measured here without a
person looking: the decoded faces are encoded again and a logistic probe of the attribute,
trained on the real faces' z, gives each its probability. The arithmetic worked when that
probability rises with the step.

``attribute_masks`` picks the attributes (CelebA's Smiling, Male, Eyeglasses, Blond_Hair; the
synthetic faces' glasses and smile; else the first binary labels), ``attribute_direction`` learns
the vector and the probe from training rows and returns an ``AttributeDirection``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# the attributes the arithmetic shows first: CelebA's (Foster's Smiling among them) and the
# synthetic faces' two with a visible meaning
FIRST = ("Smiling", "Male", "Eyeglasses", "Blond_Hair", "glasses", "smile")


def attribute_masks(names, values: np.ndarray, first=FIRST, at_most: int = 4,
                    min_share: float = 0.02) -> dict[str, np.ndarray]:
    """{name: bool mask (N,)} of at most ``at_most`` attributes for the arithmetic: those of
    ``first`` that ``names`` holds, then the other binary columns in order; a binary column is
    True at its larger value, a continuous one (the synthetic smile) above its median. Columns
    with fewer than ``min_share`` of the rows on either side are left out."""
    names = list(names)
    values = np.asarray(values, np.float64)
    binary = [len(np.unique(values[:, j])) == 2 for j in range(len(names))]
    order = [names.index(n) for n in first if n in names]
    order += [j for j in range(len(names)) if binary[j] and j not in order]
    out = {}
    for j in order:
        col = values[:, j]
        mask = col > (col.min() if binary[j] else np.median(col))
        if min(mask.mean(), 1 - mask.mean()) >= min_share:
            out[names[j]] = mask
        if len(out) == at_most:
            break
    return out


def attribute_vector(z: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean z of the images with an attribute minus the mean z of those without."""
    mask = np.asarray(mask, bool)
    if mask.all() or not mask.any():
        raise ValueError(f"the attribute needs images with and without it; found {mask.sum()} of "
                         f"{len(mask)} with it")
    z = np.asarray(z, np.float64)
    return (z[mask].mean(axis=0) - z[~mask].mean(axis=0)).astype(np.float32)


def attribute_steps(z0: np.ndarray, vector: np.ndarray, steps=(0.0, 0.5, 1.0, 1.5, 2.0)) -> np.ndarray:
    """z0 + s * vector for each step s: (len(steps), d) for one z0 (d,), (len(steps), m, d) for
    m of them (m, d)."""
    z0, s = np.asarray(z0, np.float32), np.asarray(steps, np.float32)
    shape = (len(s),) + (1,) * z0.ndim
    return (z0[None] + s.reshape(shape) * np.asarray(vector, np.float32)).astype(np.float32)


@dataclass(frozen=True)
class AttributeDirection:
    """What ``attribute_direction`` learned: the attribute ``vector`` and a logistic probe of
    the attribute on z standardised by ``mean`` and ``scale`` (``coef``, ``intercept``), with its
    ROC AUC on held-out rows (``auc``)."""

    name: str
    vector: np.ndarray
    coef: np.ndarray
    intercept: float
    mean: np.ndarray
    scale: np.ndarray
    auc: float

    def probability(self, z: np.ndarray) -> np.ndarray:
        """The probe's probability of the attribute for each z-point."""
        t = (np.asarray(z, np.float64) - self.mean) / self.scale @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-t))


def attribute_direction(z: np.ndarray, mask: np.ndarray, name: str = "attribute",
                        test_size: float = 0.25, seed: int = 0) -> AttributeDirection:
    """The attribute vector of ``z`` for ``mask`` and a logistic probe of it (L2, C = 1), fitted
    on a random ``1 - test_size`` of the rows and scored (ROC AUC) on the rest."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    z = np.asarray(z, np.float64)
    y = np.asarray(mask, bool)
    vector = attribute_vector(z, y)
    order = np.random.default_rng(seed).permutation(len(z))
    n_test = max(2, int(round(test_size * len(z))))
    test, train = order[:n_test], order[n_test:]
    mean, std = z[train].mean(axis=0), z[train].std(axis=0)
    scale = np.where(std > 0, std, 1.0)
    model = LogisticRegression(max_iter=1000).fit((z[train] - mean) / scale, y[train])
    prob = model.predict_proba((z[test] - mean) / scale)[:, 1]
    auc = float(roc_auc_score(y[test], prob)) if len(np.unique(y[test])) == 2 else float("nan")
    return AttributeDirection(name, vector, model.coef_[0], float(model.intercept_[0]), mean,
                              scale, auc)
