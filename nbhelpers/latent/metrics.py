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

Everything is deterministic for a seed. Reconstructions of held-out real images serve as the
reference: a sampler cannot be expected to look more real than the Decoder can draw.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import linalg
from sklearn.decomposition import PCA

from ..core.pixels import to_float01


class PixelPCA:
    """Whitened PCA of flattened pixels (images uint8 or float in [0, 1])."""

    def __init__(self, n_components: int = 64, seed: int = 0):
        self.n_components, self.seed = n_components, seed

    @staticmethod
    def _flat(images) -> np.ndarray:
        x = to_float01(images)  # uint8: one float32 copy, scaled in place
        return x.reshape(len(x), -1)

    def fit(self, images) -> PixelPCA:
        x = self._flat(images)
        k = min(self.n_components, len(x) - 1, x.shape[1])
        self.pca_ = PCA(k, whiten=True, svd_solver="randomized", random_state=self.seed).fit(x)
        return self

    def transform(self, images, batch_size: int = 1024) -> np.ndarray:
        """Features (n, k) as float64, computed ``batch_size`` images at a time, so that memory
        holds one batch of float32 pixels (113 MB at 96x96), never all of them."""
        out = np.empty((len(images), self.pca_.n_components_), np.float64)
        for s in range(0, len(images), batch_size):
            out[s:s + batch_size] = self.pca_.transform(self._flat(images[s:s + batch_size]))
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


def _coverage(points: np.ndarray, centers: np.ndarray, radii: np.ndarray, chunk: int = 1024) -> float:
    """Share of ``points`` inside at least one ball (centre, radius)."""
    return float((_ball_counts(points, centers, radii, chunk)[0] > 0).mean())


def density_coverage(real: np.ndarray, fake: np.ndarray, k: int = 5) -> tuple[float, float]:
    """Density and coverage (Naeem et al. 2020) of feature sets, with k-NN balls around the real
    samples. For two samples of one distribution of equal size, density is about 1 and coverage
    about 1 - 2^-k (0.969 for k = 5); for disjoint sets both are 0."""
    real, fake = np.asarray(real, np.float64), np.asarray(fake, np.float64)
    if len(real) <= k or len(fake) < 1:
        raise ValueError(f"need more than k={k} real samples and one fake, found {len(real)} "
                         f"and {len(fake)}")
    counts, hit = _ball_counts(fake, real, _kth_radii(real, k))
    return float(counts.sum() / (k * len(fake))), float(hit.mean())


def precision_recall(real: np.ndarray, fake: np.ndarray, k: int = 5) -> tuple[float, float]:
    """k-NN precision and recall (Kynkaanniemi et al., 2019) of feature sets."""
    real, fake = np.asarray(real, np.float64), np.asarray(fake, np.float64)
    if len(real) <= k or len(fake) <= k:
        raise ValueError(f"need more than k={k} samples per set, found {len(real)} and {len(fake)}")
    precision = _coverage(fake, real, _kth_radii(real, k))
    recall = _coverage(real, fake, _kth_radii(fake, k))
    return precision, recall


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Frechet distance between Gaussian fits of two feature sets."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    mu_a, mu_b = a.mean(0), b.mean(0)
    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root, _ = linalg.sqrtm(s_a @ s_b, disp=False)
    if not np.isfinite(root).all():
        eps = 1e-6 * np.eye(len(s_a))
        root = linalg.sqrtm((s_a + eps) @ (s_b + eps))
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(s_a + s_b - 2.0 * np.real(root)))


@dataclass
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


def realism_features(real: np.ndarray, fake: np.ndarray, k: int = 5) -> Realism:
    """Precision, recall, density, coverage and Frechet distance of two feature sets
    (``PixelPCA.transform``), all k-NN measures with the same ``k``."""
    p, rc = precision_recall(real, fake, k)
    d, c = density_coverage(real, fake, k)
    return Realism(p, rc, d, c, frechet_distance(real, fake))


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
    share of)."""
    f = math.log if log else float
    way = abs(f(end) - f(start))
    if not way > max(noise, 1e-12):
        return None
    return abs(f(point) - f(start)) / way


def share_noise(a: float, b: float, n: int, z: float = 3.0) -> float:
    """``z`` standard errors of the difference of two shares ``a`` and ``b`` measured on ``n``
    draws each (binomial): two precisions closer than this are one precision."""
    return z * math.sqrt((a * (1 - a) + b * (1 - b)) / n)


def sampler_margins(table: dict[str, dict], best: str = "mvn",
                    naive=("uniform_box", "uniform_range", "normal"),
                    mixture: str = "gmm") -> dict:
    """The generation study's headline numbers from a realism table {sampler: row}: the precision
    margin of ``best`` over the best of the ``naive`` samplers (which one, and its precision), and
    the Frechet distance of the ``mixture`` over ``best``'s."""
    top = max(naive, key=lambda k: table[k]["precision"])
    return {"mvn_precision_margin": round(table[best]["precision"] - table[top]["precision"], 4),
            "best_naive": top, "best_naive_precision": table[top]["precision"],
            "gmm_frechet_ratio": round(table[mixture]["frechet"] / table[best]["frechet"], 4)}
