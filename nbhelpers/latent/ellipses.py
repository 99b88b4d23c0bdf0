"""n-sigma confidence ellipses of 2-D point sets.

Confidence ellipses follow Carsten Schelp's method (matplotlib gallery, "Plot a confidence ellipse
of a two-dimensional dataset"): from the Pearson coefficient rho, a unit ellipse with radii
sqrt(1 + rho) and sqrt(1 - rho) turned by 45 degrees, scaled by n standard deviations per axis and
moved to the mean. It is exactly the curve of Mahalanobis distance n, so for a bivariate normal
the share of points inside is the chi-square(2) probability 1 - exp(-n^2 / 2): 39.3 %, 86.5 %,
98.9 % for n = 1, 2, 3.

``ellipse_panels`` computes everything a figure of pairs shows (ellipses, the shares inside them,
binned-KDE contours, the points drawn): the figure and the recorded shares read the same objects.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from .kde import DensityGrid, density_grid
from .subsets import subset


class ConfidenceEllipses(BaseEstimator):
    """n-sigma confidence ellipses of a 2-D point set (``fit(xy)`` with xy of shape (N, 2)).

    Learned: ``mean_``, ``cov_``, ``std_``, ``rho_``. The share of any points inside the n-sigma
    ellipse: ``fraction_inside(xy, n)``.

    By default centre and widths are the sample moments. ``center`` and ``std`` (two values each)
    replace them, as the blog drew its ellipses from each component's Gaussian-fit centre and
    sigma; rho stays the sample's Pearson coefficient."""

    def __init__(self, center=None, std=None):
        self.center = center
        self.std = std

    def fit(self, xy: np.ndarray) -> ConfidenceEllipses:
        xy = np.asarray(xy, dtype=np.float64)
        if xy.ndim != 2 or xy.shape[1] != 2 or len(xy) < 3:
            raise ValueError(f"expected points of shape (N >= 3, 2), found {xy.shape}")
        self.mean_ = xy.mean(axis=0)
        self.cov_ = np.cov(xy, rowvar=False)
        self.std_ = np.sqrt(np.diag(self.cov_))
        self.rho_ = float(self.cov_[0, 1] / (self.std_[0] * self.std_[1]))
        if self.center is not None:
            self.mean_ = np.asarray(self.center, dtype=np.float64).reshape(2)
        if self.std is not None:
            std = np.asarray(self.std, dtype=np.float64).reshape(2)
            if not np.all(std > 0):
                raise ValueError(f"std must be two positive widths, found {self.std}")
            self.std_ = std
            r = self.rho_
            self.cov_ = np.outer(std, std) * np.array([[1.0, r], [r, 1.0]])
        return self

    def outline(self, n_sigma: float, points: int = 200) -> np.ndarray:
        """(points, 2) polygon of the n-sigma ellipse, Schelp's construction."""
        check_is_fitted(self, "cov_")
        t = np.linspace(0, 2 * np.pi, points)
        rx, ry = np.sqrt(1 + self.rho_), np.sqrt(1 - self.rho_)
        u, v = rx * np.cos(t), ry * np.sin(t)
        c = s = np.sqrt(0.5)  # 45 degrees
        x, y = c * u - s * v, s * u + c * v
        return np.column_stack([self.mean_[0] + n_sigma * self.std_[0] * x,
                                self.mean_[1] + n_sigma * self.std_[1] * y])

    def fraction_inside(self, xy: np.ndarray, n_sigma: float) -> float:
        check_is_fitted(self, "cov_")
        d = np.asarray(xy, dtype=np.float64) - self.mean_
        m2 = np.einsum("ij,jk,ik->i", d, np.linalg.inv(self.cov_), d)
        return float(np.mean(m2 <= n_sigma**2))


@dataclass(frozen=True)
class EllipsePanel:
    """One pair (i, j) of a point set: its ellipses with the share of its points inside each,
    KDE contours and the points to draw."""

    i: int
    j: int
    ellipses: ConfidenceEllipses
    inside: dict[float, float]  # {n: share of the n points inside the n-sigma ellipse}
    grid: DensityGrid
    shown: np.ndarray  # (m, 2) the points a scatter draws (a random subset of at most max_points)
    n: int  # the number of points the ellipses and shares were computed on
    fitted: ConfidenceEllipses | None = None  # from Gaussian-fit centres and sigmas, if given
    fit_inside: dict[float, float] | None = None  # the shares inside ``fitted``'s ellipses

    def stats(self) -> dict:
        """{rho, inside_1sigma, inside_2sigma, inside_3sigma} as recorded in results.json, and the
        shares inside the Gaussian-fit ellipses (``fit_inside_2sigma`` ...) where drawn."""
        out = {"rho": round(self.ellipses.rho_, 4),
               **{f"inside_{n:g}sigma": round(v, 4) for n, v in self.inside.items()}}
        if self.fit_inside is not None:
            out.update({f"fit_inside_{n:g}sigma": round(v, 4) for n, v in self.fit_inside.items()})
        return out


def shares_inside(ellipses: ConfidenceEllipses, xy: np.ndarray, n_sigmas) -> dict[float, float]:
    """{n: share of ``xy`` inside the n-sigma ellipse} for each of ``n_sigmas``."""
    if not all(n > 0 for n in n_sigmas):
        raise ValueError(f"n_sigmas must be positive, found {tuple(n_sigmas)}")
    return {float(n): ellipses.fraction_inside(xy, n) for n in n_sigmas}


def ellipse_panels(x: np.ndarray, pairs, gridsize: int = 80, max_points: int = 20_000,
                   seed: int = 0, share_points: int | None = None,
                   fits: tuple[np.ndarray, np.ndarray] | None = None,
                   n_sigmas=(1.0, 2.0, 3.0)) -> list[EllipsePanel]:
    """For each (i, j): confidence ellipses and the shares inside each of ``n_sigmas`` on
    ``share_points`` points of ``x[:, [i, j]]`` (default all, else a random subset), the
    binned-KDE density grid, and a random subset of ``max_points`` of them for the scatter.
    ``fits``: (centres, sigmas) per column of ``x`` from Gaussian fits; each panel then also
    carries the ellipses they define and the shares inside those."""
    x = np.asarray(x)
    x = x[np.sort(subset(len(x), share_points, seed))] if share_points else x
    show = subset(len(x), max_points, seed)
    out = []
    for i, j in pairs:
        i, j = int(i), int(j)
        xy = x[:, [i, j]]
        sample = ConfidenceEllipses().fit(xy)
        fitted = None if fits is None else ConfidenceEllipses(
            center=(fits[0][i], fits[0][j]), std=(fits[1][i], fits[1][j])).fit(xy)
        out.append(EllipsePanel(
            i, j, sample, shares_inside(sample, xy, n_sigmas), density_grid(xy, gridsize),
            xy[show], len(xy), fitted,
            None if fitted is None else shares_inside(fitted, xy, n_sigmas)))
    return out


def panel_stats(panels: list[EllipsePanel]) -> dict[str, dict]:
    """{"i,j": stats} of each panel."""
    return {f"{p.i},{p.j}": p.stats() for p in panels}


def mean_inside(panels: list[EllipsePanel], n_sigma: float, fitted: bool = False) -> float:
    """The mean share inside the n-sigma ellipses over ``panels`` (``fitted``: the Gaussian-fit
    ellipses instead of the sample-moment ones)."""
    return float(np.mean([(p.fit_inside if fitted else p.inside)[float(n_sigma)]
                          for p in panels]))
