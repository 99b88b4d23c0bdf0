"""Pearson matrix, n-sigma confidence ellipses and fast 2-D density contours.

Confidence ellipses follow Carsten Schelp's method (matplotlib gallery, "Plot a confidence ellipse
of a two-dimensional dataset"): from the Pearson coefficient rho, a unit ellipse with radii
sqrt(1 + rho) and sqrt(1 - rho) turned by 45 degrees, scaled by n standard deviations per axis and
moved to the mean. It is exactly the curve of Mahalanobis distance n, so for a bivariate normal
the share of points inside is the chi-square(2) probability 1 - exp(-n^2 / 2): 39.3 %, 86.5 %,
98.9 % for n = 1, 2, 3.

Density contours come from a binned Gaussian KDE: the points are whitened (so one isotropic
kernel equals scipy's ``gaussian_kde`` kernel, which follows the data covariance), counted on a
fine grid, smoothed with ``scipy.ndimage.gaussian_filter`` at Scott's bandwidth and read back at
the requested grid. ``gaussian_kde`` itself costs about 9 s per pair at 80,000 points on a 100x100
grid; this costs milliseconds (benchmarks/bench_kde.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage


def pearson(z: np.ndarray) -> np.ndarray:
    return np.corrcoef(np.asarray(z, dtype=np.float64), rowvar=False)


def top_correlated_pairs(r: np.ndarray, k: int = 4) -> list[tuple[int, int, float]]:
    """The ``k`` axis pairs with the largest |Pearson coefficient|: [(i, j, rho)]."""
    iu = np.triu_indices_from(r, k=1)
    order = np.argsort(-np.abs(r[iu]))[:k]
    return [(int(iu[0][o]), int(iu[1][o]), float(r[iu][o])) for o in order]


def chi2_inside(n_sigma: float) -> float:
    """Share of a bivariate normal inside its n-sigma ellipse."""
    return float(1.0 - np.exp(-0.5 * n_sigma**2))


class ConfidenceEllipses:
    """n-sigma confidence ellipses of a 2-D point set (``fit(xy)`` with xy of shape (N, 2))."""

    def __init__(self, n_sigmas=(1.0, 2.0, 3.0)):
        self.n_sigmas = tuple(n_sigmas)

    def fit(self, xy: np.ndarray) -> ConfidenceEllipses:
        xy = np.asarray(xy, dtype=np.float64)
        if xy.ndim != 2 or xy.shape[1] != 2 or len(xy) < 3:
            raise ValueError(f"expected points of shape (N >= 3, 2), found {xy.shape}")
        self.mean_ = xy.mean(axis=0)
        self.cov_ = np.cov(xy, rowvar=False)
        self.std_ = np.sqrt(np.diag(self.cov_))
        self.rho_ = float(self.cov_[0, 1] / (self.std_[0] * self.std_[1]))
        self.inside_ = {n: self.fraction_inside(xy, n) for n in self.n_sigmas}
        return self

    def outline(self, n_sigma: float, points: int = 200) -> np.ndarray:
        """(points, 2) polygon of the n-sigma ellipse, Schelp's construction."""
        t = np.linspace(0, 2 * np.pi, points)
        rx, ry = np.sqrt(1 + self.rho_), np.sqrt(1 - self.rho_)
        u, v = rx * np.cos(t), ry * np.sin(t)
        c = s = np.sqrt(0.5)  # 45 degrees
        x, y = c * u - s * v, s * u + c * v
        return np.column_stack([self.mean_[0] + n_sigma * self.std_[0] * x,
                                self.mean_[1] + n_sigma * self.std_[1] * y])

    def fraction_inside(self, xy: np.ndarray, n_sigma: float) -> float:
        d = np.asarray(xy, dtype=np.float64) - self.mean_
        m2 = np.einsum("ij,jk,ik->i", d, np.linalg.inv(self.cov_), d)
        return float(np.mean(m2 <= n_sigma**2))


@dataclass
class DensityGrid:
    x: np.ndarray  # (nx,) grid centres
    y: np.ndarray  # (ny,)
    density: np.ndarray  # (ny, nx), a probability density

    def levels(self, masses=(0.95, 0.8, 0.5, 0.2)) -> np.ndarray:
        """Density levels whose contours enclose the given probability masses (ascending)."""
        d = np.sort(self.density.ravel())[::-1]
        cell = (self.x[1] - self.x[0]) * (self.y[1] - self.y[0])
        cum = np.cumsum(d) * cell
        lv = [d[min(np.searchsorted(cum, m), len(d) - 1)] for m in masses]
        return np.unique(np.asarray(lv))


def density_grid(xy: np.ndarray, gridsize: int = 100, extent=None, fine: int = 256,
                 bw: str | float = "scott") -> DensityGrid:
    """Binned Gaussian KDE of 2-D points evaluated on a ``gridsize`` x ``gridsize`` grid.

    Agrees with ``scipy.stats.gaussian_kde(xy.T, bw_method=bw)`` up to the binning error.
    """
    xy = np.asarray(xy, dtype=np.float64)
    n = len(xy)
    mean = xy.mean(axis=0)
    cov = np.cov(xy, rowvar=False)
    chol = np.linalg.cholesky(cov)
    inv = np.linalg.inv(chol)
    w = (xy - mean) @ inv.T  # whitened: identity covariance
    h = n ** (-1.0 / 6.0) if bw == "scott" else float(bw)  # Scott's factor for d = 2
    lim = np.abs(w).max() + 4 * h
    edges = np.linspace(-lim, lim, fine + 1)
    step = edges[1] - edges[0]
    counts, _, _ = np.histogram2d(w[:, 0], w[:, 1], bins=[edges, edges])
    smooth = ndimage.gaussian_filter(counts, sigma=h / step, mode="constant")
    dens_w = smooth / (n * step * step)  # density in whitened coordinates
    if extent is None:
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        pad = 0.05 * (hi - lo)
        extent = (lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1])
    gx = np.linspace(extent[0], extent[1], gridsize)
    gy = np.linspace(extent[2], extent[3], gridsize)
    px, py = np.meshgrid(gx, gy)
    q = (np.column_stack([px.ravel(), py.ravel()]) - mean) @ inv.T
    coords = (q - edges[0]) / step - 0.5  # fractional indices of bin centres
    vals = ndimage.map_coordinates(dens_w, [coords[:, 0], coords[:, 1]], order=1, cval=0.0)
    density = vals.reshape(gridsize, gridsize) / abs(np.linalg.det(chol))
    return DensityGrid(gx, gy, density)
