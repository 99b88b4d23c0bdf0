"""Realism of generated faces, measured in a feature space independent of the judged model.

Features: the leading principal components of the pixels of real images, whitened (``PixelPCA``,
fitted on real training images). In that space, following Kynkaanniemi et al. (2019), "Improved
Precision and Recall Metric for Assessing Generative Models":

- **precision**: the share of generated samples that fall inside the real manifold, estimated as
  the union of balls around each real sample with the radius of its k-th nearest real neighbour;
- **recall**: the share of real samples inside the generated manifold, built the same way;
- **density** and **coverage** (Naeem et al. 2020, "Reliable Fidelity and Diversity Metrics for
  Generative Models"), with the same k and the same real balls: density counts how many real
  balls hold each generated sample, divided by k (about 1 when both sets come from one
  distribution, above 1 where fakes crowd into dense real regions); coverage is the share of real
  balls that hold at least one generated sample (robust to fakes scattered far away);
- **Frechet distance**: between the Gaussian fits of both sets,
  |mu_r - mu_g|^2 + Tr(S_r + S_g - 2 (S_r S_g)^(1/2)), the formula of FID, here on pixel-PCA
  features instead of Inception features (so the numbers are comparable within this project only).

``RealismScorer`` fits the features and the real set's balls once and scores any number of
generated sets against them. Everything is deterministic for a seed. The reference set is real
held-out images; notebook 06's table also scores reconstructions of them (a sampler cannot be
expected to look more real than the Decoder can draw), other real faces and uniform noise, the
judge's own two ends.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import linalg
from sklearn.base import BaseEstimator
from sklearn.decomposition import PCA
from sklearn.utils.validation import check_is_fitted

from ..core.pixels import to_float01


class PixelPCA(BaseEstimator):
    """Whitened PCA of flattened pixels (images uint8 or float in [0, 1]), scikit-learn's
    randomized PCA; ``transform`` works ``batch_size`` images at a time.

    Learned: ``mean_``, ``components_`` (k, pixels) and ``scale_`` (the components' standard
    deviations), all that ``transform`` needs: a fitted PixelPCA can be saved as three arrays
    (``RealismScorer.state``)."""

    def __init__(self, n_components: int = 64, batch_size: int = 1024, random_state: int = 0):
        self.n_components = n_components
        self.batch_size = batch_size
        self.random_state = random_state

    @staticmethod
    def _flat(images) -> np.ndarray:
        x = to_float01(images)  # uint8: one float32 copy, scaled in place
        return x.reshape(len(x), -1)

    def fit(self, images) -> PixelPCA:
        x = self._flat(images)
        k = min(self.n_components, len(x) - 1, x.shape[1])
        pca = PCA(k, whiten=True, svd_solver="randomized", random_state=self.random_state).fit(x)
        self._learn(pca.mean_, pca.components_,
                    np.maximum(np.sqrt(pca.explained_variance_), np.finfo(np.float32).eps))
        return self

    def _learn(self, mean, components, scale) -> None:
        """Keep the learned arrays C-ordered, float32: a matrix product's rounding depends on the
        layout of its operands, so a PixelPCA fitted here and one restored from saved arrays
        (``RealismScorer.from_state``) must hold them alike to give the same features."""
        self.mean_, self.components_, self.scale_ = (
            np.ascontiguousarray(a, dtype=np.float32) for a in (mean, components, scale))

    def transform(self, images) -> np.ndarray:
        """Features (n, k) as float64, computed ``batch_size`` images at a time, so that memory
        holds one batch of float32 pixels (113 MB at 96x96), never all of them; the numbers of
        scikit-learn's ``PCA.transform`` with ``whiten=True``."""
        check_is_fitted(self, "components_")
        out = np.empty((len(images), len(self.components_)), np.float64)
        shift = self.mean_ @ self.components_.T
        for s in range(0, len(images), self.batch_size):
            x = self._flat(images[s:s + self.batch_size]) @ self.components_.T
            out[s:s + len(x)] = (x - shift) / self.scale_
        return out


def _kth_radii(x: np.ndarray, k: int) -> np.ndarray:
    from sklearn.neighbors import NearestNeighbors

    nn = NearestNeighbors(n_neighbors=k + 1).fit(x)
    dist, _ = nn.kneighbors(x)
    return dist[:, k]  # column 0 is the point itself


def _ball_counts(points: np.ndarray, centers: np.ndarray, radii: np.ndarray,
                 chunk: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """(per point: how many balls (centre, radius) hold it; per ball: whether any point is in it)."""
    counts = np.zeros(len(points), np.int64)
    hit = np.zeros(len(centers), bool)
    c2 = (centers**2).sum(1)
    for s in range(0, len(points), chunk):
        p = points[s:s + chunk]
        inside = (p**2).sum(1)[:, None] + c2[None, :] - 2 * p @ centers.T <= radii[None, :] ** 2
        counts[s:s + chunk] = inside.sum(axis=1)
        hit |= inside.any(axis=0)
    return counts, hit


def _check_sizes(real: np.ndarray, fake: np.ndarray, k: int) -> None:
    if len(real) <= k or len(fake) <= k:
        raise ValueError(f"need more than k={k} samples per set, found {len(real)} real and "
                         f"{len(fake)} fake")


@dataclass(frozen=True)
class Realism:
    precision: float
    recall: float
    density: float
    coverage: float
    frechet: float

    def as_dict(self) -> dict:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "density": round(self.density, 4), "coverage": round(self.coverage, 4),
                "frechet": round(self.frechet, 3)}


def _frechet(mu_a, s_a, mu_b, s_b) -> float:
    root, _ = linalg.sqrtm(s_a @ s_b, disp=False)
    if not np.isfinite(root).all():
        eps = 1e-6 * np.eye(len(s_a))
        root = linalg.sqrtm((s_a + eps) @ (s_b + eps))
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(s_a + s_b - 2.0 * np.real(root)))


def _moments(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return x.mean(0), np.cov(x, rowvar=False)


@dataclass(frozen=True)
class RealReference:
    """A real feature set with what every score against it needs, computed once: each real
    sample's k-th nearest real neighbour distance (the radius of its ball) and the set's mean
    and covariance (the Frechet distance's Gaussian)."""

    features: np.ndarray
    radii: np.ndarray
    k: int

    @classmethod
    def of(cls, features: np.ndarray, k: int = 5, radii: np.ndarray | None = None) -> RealReference:
        features = np.asarray(features, np.float64)
        if len(features) <= k:
            raise ValueError(f"need more than k={k} real samples, found {len(features)}")
        return cls(features, _kth_radii(features, k) if radii is None else radii, int(k))

    def score(self, fake: np.ndarray) -> Realism:
        """Precision, recall, density, coverage and Frechet distance of the ``fake`` features.
        One pass over the real balls gives precision (share of fakes in any ball), density
        (balls per fake / k) and coverage (share of balls holding a fake)."""
        fake = np.asarray(fake, np.float64)
        _check_sizes(self.features, fake, self.k)
        counts, hit = _ball_counts(fake, self.features, self.radii)
        recall = float((_ball_counts(self.features, fake, _kth_radii(fake, self.k))[0] > 0).mean())
        return Realism(float((counts > 0).mean()), recall,
                       float(counts.sum() / (self.k * len(fake))), float(hit.mean()),
                       _frechet(*_moments(self.features), *_moments(fake)))


class RealismScorer(BaseEstimator):
    """Scores generated images against real ones in a feature space independent of the judged
    model: ``fit(train_images, real_images)`` fits ``PixelPCA`` on the first images and turns
    the real ones into a ``RealReference`` (features, k-NN radii), once; ``score(images)`` is the
    ``Realism`` of any batch of images against it. ``state()`` gives the learned arrays and
    ``from_state`` restores a fitted scorer from them, so a run computes them once."""

    def __init__(self, k: int = 5, n_components: int = 64, random_state: int = 0):
        self.k = k
        self.n_components = n_components
        self.random_state = random_state

    def fit(self, train_images, real_images) -> RealismScorer:
        self.features_ = PixelPCA(self.n_components, random_state=self.random_state).fit(
            train_images)
        self.reference_ = RealReference.of(self.features_.transform(real_images), self.k)
        return self

    def score(self, images) -> Realism:
        check_is_fitted(self, "reference_")
        return self.reference_.score(self.features_.transform(images))

    def state(self) -> dict[str, np.ndarray]:
        check_is_fitted(self, "reference_")
        f = self.features_
        return {"mean": f.mean_, "components": f.components_, "scale": f.scale_,
                "real_features": self.reference_.features, "real_radii": self.reference_.radii}

    @classmethod
    def from_state(cls, state, k: int = 5, random_state: int = 0) -> RealismScorer:
        out = cls(k, len(state["components"]), random_state)
        out.features_ = PixelPCA(len(state["components"]), random_state=random_state)
        out.features_._learn(state["mean"], state["components"], state["scale"])
        out.reference_ = RealReference(np.asarray(state["real_features"], np.float64),
                                       np.asarray(state["real_radii"], np.float64), int(k))
        return out


def format_table(table: dict) -> str:
    """The realism table as aligned text (one row per sampler)."""
    cols = ("precision", "recall", "density", "coverage", "frechet")
    lines = [f"{'sampler':<22}" + "".join(f"{c:>10}" for c in cols)]
    for name, row in table.items():
        lines.append(f"{name:<22}" + "".join(f"{row.get(c, float('nan')):>10.3f}" for c in cols))
    return "\n".join(lines)


def share_of_way(start: float, point: float, end: float, log: bool = False,
                 noise: float = 0.0) -> float | None:
    """How far ``point`` lies on the way from ``start`` to ``end``, as a share of that way
    (0: at the start, 1: as far as the end), in logarithms with ``log``. None when the way is no
    longer than ``noise`` (both ends at one value, or within their noise: nothing to measure a
    share of), or, in logarithms, when a value is not positive."""
    if log and min(start, point, end) <= 0:
        return None  # a radius of 0 (a collapsed posterior) has no place on a log scale
    f = math.log if log else float
    way = abs(f(end) - f(start))
    if not way > max(noise, 1e-12):
        return None
    return abs(f(point) - f(start)) / way


def share_noise(a: float, b: float, n: int, z: float = 3.0) -> float:
    """``z`` standard errors of the difference of two shares ``a`` and ``b`` measured on ``n``
    draws each (binomial): two precisions closer than this are one precision."""
    return z * math.sqrt((a * (1 - a) + b * (1 - b)) / n)


@dataclass(frozen=True)
class SamplerMargins:
    """``sampler_margins``' headline numbers of the generation study."""

    precision_margin: float  # precision of ``best`` minus the best naive sampler's
    best_naive: str
    best_naive_precision: float
    gmm_frechet_ratio: float  # Frechet distance of the mixture / ``best``'s


def sampler_margins(table: dict[str, dict], naive: tuple[str, ...], best: str = "mvn",
                    mixture: str = "gmm") -> SamplerMargins:
    """The generation study's headline numbers from a realism table {sampler: row}: the precision
    margin of ``best`` over the best of the ``naive`` samplers (which one, and its precision; the
    claim that reads the margin says which samplers are naive), and the Frechet distance of the
    ``mixture`` over ``best``'s."""
    top = max(naive, key=lambda k: table[k]["precision"])
    return SamplerMargins(round(table[best]["precision"] - table[top]["precision"], 4), top,
                          table[top]["precision"],
                          round(table[mixture]["frechet"] / table[best]["frechet"], 4))


def tiny_kl_way(rows: dict[str, dict], draws: int) -> dict:
    """How far the smallest non-zero KL weight lies on the way from weight 0 (no KL pull: the
    nearest to an AE the sweep trains; it still samples z) to the
    largest weight, in the radius peak (in logarithms: radii differ by factors) and in the
    precision of faces from N(0, I) (``draws`` faces each); ``worst`` is the larger of the two.
    A way no longer than its noise (both precisions 0, or within three standard errors of each
    other) is None: nothing was measured there."""
    weights = sorted(rows, key=float)
    if float(weights[0]) != 0.0 or len(weights) < 3:
        return {"skipped": "the sweep needs weight 0 (no KL pull), a tiny and a large weight"}
    ae, tiny, big = rows[weights[0]], rows[weights[1]], rows[weights[-1]]
    out = {"tiny": weights[1], "large": weights[-1],
           "radius": share_of_way(ae["radius_peak"], tiny["radius_peak"], big["radius_peak"],
                                  log=True),
           "precision": share_of_way(ae["precision"], tiny["precision"], big["precision"],
                                     noise=share_noise(ae["precision"], big["precision"], draws))}
    measured = [v for v in (out["radius"], out["precision"]) if v is not None]
    out = {k: round(v, 4) if isinstance(v, float) else v for k, v in out.items()}
    out["worst"] = round(max(measured), 4) if measured else None
    return out
