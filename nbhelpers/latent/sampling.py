"""Samplers of latent vectors: ``fit(z)`` learns from encoded z-points, ``sample(n)`` draws.

The blog's progression, from naive to statistical: uniform in a box [-a, a]^d; uniform within each
axis' observed range; independent Gaussians per axis (no correlations); the unit normal N(0, I)
(what a VAE is trained towards); a multivariate normal with the full covariance; the same confined
to its n-sigma region; a Gaussian mixture (the RAE paper's ex-post density estimator). Paths: a
straight line between two z-points (walks along PCA axes: ``pca.LatentPCA.walk``).
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from .subsets import subset


class Sampler(BaseEstimator):
    """``fit(z)`` learns from z-points (N, z_dim); ``sample(n)`` draws (n, z_dim) float32 from
    ``random_state`` (an int: every call starts the same stream, so ``sample(n)`` repeats and
    ``sample(m)``, m < n, gives the first rows of ``sample(n)`` for the samplers without
    rejection), as scikit-learn's ``GaussianMixture.sample`` does."""

    name = "sampler"

    def __init__(self, random_state: int = 0):
        self.random_state = random_state

    def fit(self, z: np.ndarray) -> Sampler:
        z = np.asarray(z, dtype=np.float64)
        if z.ndim != 2 or len(z) < 2:
            raise ValueError(f"expected z-points as (N >= 2, z_dim), found {z.shape}")
        self._validate()
        self.z_dim_ = z.shape[1]
        self._fit(z)
        return self

    def _validate(self) -> None:
        """Check the parameters (at fit time, as scikit-learn does)."""

    def _fit(self, z):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def sample(self, n: int) -> np.ndarray:
        check_is_fitted(self, "z_dim_")
        if n < 1:
            raise ValueError(f"n must be at least 1, found {n}")
        return self._sample(int(n), np.random.default_rng(self.random_state)).astype(np.float32)


class UniformBox(Sampler):
    """Uniform in [-a, a]^d; ``a`` defaults to the 99th percentile of |z| over all coordinates."""

    name = "uniform_box"

    def __init__(self, a: float | None = None, random_state: int = 0):
        self.a, self.random_state = a, random_state

    def _fit(self, z):
        self.a_ = float(self.a if self.a is not None else np.quantile(np.abs(z), 0.99))

    def _sample(self, n, rng):
        return rng.uniform(-self.a_, self.a_, (n, self.z_dim_))


class UniformCore(Sampler):
    """Uniform within each axis' bell-shaped core d_j_l < x_j < d_j_h (the blog's interval per
    component, before the flat wings of the distribution): where the axis' Gaussian, fitted
    robustly (centre the median, sigma the interquartile range / 1.349), falls to ``core`` of
    its peak, mu +- sigma sqrt(2 ln(1 / core)) (3.03 sigma at 1 %), inside the observed range."""

    name = "uniform_core"

    def __init__(self, core: float = 0.01, random_state: int = 0):
        self.core, self.random_state = core, random_state

    def _fit(self, z):
        if not 0.0 < self.core < 1.0:
            raise ValueError(f"core must lie in (0, 1), found {self.core}")
        q25, mu, q75 = np.quantile(z, [0.25, 0.5, 0.75], axis=0)
        reach = (q75 - q25) / 1.349 * np.sqrt(2.0 * np.log(1.0 / self.core))
        self.low_ = np.maximum(mu - reach, z.min(axis=0))
        self.high_ = np.minimum(mu + reach, z.max(axis=0))

    def _sample(self, n, rng):
        return rng.uniform(self.low_, self.high_, (n, self.z_dim_))


class IndependentNormal(Sampler):
    """A Gaussian per axis with the fitted centre and width, no correlations."""

    name = "independent"

    def _fit(self, z):
        self.mean_ = z.mean(axis=0)
        self.std_ = z.std(axis=0)

    def _sample(self, n, rng):
        return self.mean_ + self.std_ * rng.standard_normal((n, self.z_dim_))


class StandardNormal(Sampler):
    """N(0, I), ignoring the data except for its dimension."""

    name = "normal"

    def _fit(self, z):
        pass

    def _sample(self, n, rng):
        return rng.standard_normal((n, self.z_dim_))


class MultivariateNormal(Sampler):
    """The multivariate normal with the fitted mean and full covariance."""

    name = "mvn"

    def _fit(self, z):
        self.mean_ = z.mean(axis=0)
        self.cov_ = np.cov(z, rowvar=False)
        w, v = np.linalg.eigh(self.cov_)
        self.root_ = v * np.sqrt(np.clip(w, 0.0, None))  # cov = root @ root.T
        self.precision_ = np.linalg.pinv(self.cov_)

    def mahalanobis(self, x: np.ndarray) -> np.ndarray:
        check_is_fitted(self, "precision_")
        d = np.asarray(x, dtype=np.float64) - self.mean_
        return np.sqrt(np.einsum("ij,jk,ik->i", d, self.precision_, d))

    def _sample(self, n, rng):
        return self.mean_ + rng.standard_normal((n, self.z_dim_)) @ self.root_.T


class ConfinedNormal(MultivariateNormal):
    """The multivariate normal confined to its n-sigma region: points whose Mahalanobis distance
    exceeds ``radius_`` are rejected. In d dimensions the region holds the probability that +-n
    sigma hold in one (95.4 % for n = 2): radius_^2 = chi2(d).ppf(erf(n / sqrt(2)))."""

    name = "confined"

    def __init__(self, n_sigma: float = 2.0, random_state: int = 0):
        self.n_sigma, self.random_state = n_sigma, random_state

    def _validate(self):
        if not (np.isfinite(self.n_sigma) and self.n_sigma > 0):
            raise ValueError(f"n_sigma must be finite and > 0, found {self.n_sigma}")

    def _fit(self, z):
        super()._fit(z)
        self.mass_ = float(special.erf(self.n_sigma / np.sqrt(2.0)))
        self.radius_ = float(np.sqrt(stats.chi2.ppf(self.mass_, self.z_dim_)))

    def _sample(self, n, rng):
        out = np.empty((0, self.z_dim_))
        while len(out) < n:
            x = super()._sample(int((n - len(out)) / self.mass_ * 1.2) + 8, rng)
            out = np.concatenate([out, x[self.mahalanobis(x) <= self.radius_]])
        return out[:n]


class GaussianMixtureSampler(Sampler):
    """A mixture of ``k`` full-covariance Gaussians (scikit-learn), as in the RAE paper.

    Fitted on at most ``max_points`` randomly chosen z-points (None: all). At CelebA size (146k x
    256) a fit on all points is the slowest step of notebook 06 on 2 cores; BENCHMARKS.md gives
    the time and held-out likelihood of both. One ``random_state`` picks the subset, starts the
    mixture's EM and draws the samples."""

    name = "gmm"

    def __init__(self, k: int = 10, max_points: int | None = 50_000, random_state: int = 0):
        self.k, self.max_points, self.random_state = k, max_points, random_state

    def _validate(self):
        if self.k < 1:
            raise ValueError(f"k must be at least 1, found {self.k}")
        if self.max_points is not None and self.max_points < self.k:
            raise ValueError(f"max_points must be at least the number of components ({self.k}), "
                             f"found {self.max_points}")

    def _fit(self, z):
        from sklearn.mixture import GaussianMixture

        z = z[subset(len(z), self.max_points, self.random_state)]
        self.gmm_ = GaussianMixture(self.k, covariance_type="full", reg_covar=1e-5,
                                    random_state=self.random_state).fit(z)
        self.weights_ = self.gmm_.weights_
        self.means_ = self.gmm_.means_
        self.roots_ = np.linalg.cholesky(self.gmm_.covariances_)  # cov_c = root_c @ root_c.T

    def _sample(self, n, rng):
        """Component counts from the mixture weights, then each component's Gaussian, all from
        ``rng`` (the fitted mixture is never changed), shuffled so components are interleaved."""
        counts = rng.multinomial(n, self.weights_ / self.weights_.sum())
        parts = [self.means_[c] + rng.standard_normal((m, self.z_dim_)) @ self.roots_[c].T
                 for c, m in enumerate(counts) if m]
        return np.concatenate(parts)[rng.permutation(n)]


def standard_set(n_sigma: float = 2.0, gmm_components: int = 10, random_state: int = 0,
                 gmm_max_points: int | None = 50_000) -> dict[str, Sampler]:
    """One sampler of each kind, unfitted, keyed by name (in the blog's order), all drawing from
    ``random_state``."""
    r = random_state
    samplers = [UniformBox(random_state=r), UniformCore(random_state=r),
                IndependentNormal(random_state=r), StandardNormal(random_state=r),
                MultivariateNormal(random_state=r), ConfinedNormal(n_sigma, random_state=r),
                GaussianMixtureSampler(gmm_components, gmm_max_points, random_state=r)]
    return {s.name: s for s in samplers}


def fit_all(samplers: dict[str, Sampler], z: np.ndarray) -> dict[str, Sampler]:
    return {name: s.fit(z) for name, s in samplers.items()}


def line(z_a: np.ndarray, z_b: np.ndarray, steps: int = 8) -> np.ndarray:
    """Points on the straight line from z_a to z_b (both included): (steps, d)."""
    t = np.linspace(0.0, 1.0, steps)[:, None]
    return ((1 - t) * np.asarray(z_a, np.float64) + t * np.asarray(z_b, np.float64)).astype(np.float32)


def standard_normal(n: int, z_dim: int, seed: int = 0) -> np.ndarray:
    """``n`` latent vectors drawn from N(0, I) (float32), deterministic for a seed: what a VAE's
    Decoder is trained to accept."""
    return np.random.default_rng(seed).standard_normal((n, z_dim)).astype(np.float32)
