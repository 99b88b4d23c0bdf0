"""Number densities of z-points per axis and per radius, Gaussian fits, trimming of outer points.

``LatentDensity(bin_width=0.25).fit(z)`` histograms every axis on intervals of ``bin_width`` (the
blog's 0.25 for z whose axes are about 2 wide; the series passes the blog's widths as fractions
of the data's spread, ``latent.scale``), fits a Gaussian to each histogram with
``scipy.optimize.curve_fit`` and flags the axes that are broad or centred away from the origin,
relative to the bulk of the axes. It also histograms the radius (L2 norm) at ``radius_widths``
(the blog's 0.5 and 0.05): for independent unit Gaussians the radius
peaks near sqrt(z_dim) (16 for z_dim = 256), which the blog finds at 16.5 for CelebA.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import curve_fit
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from .scale import FWHM_PER_SIGMA


def gaussian(x, amplitude, center, sigma):
    return amplitude * np.exp(-0.5 * ((x - center) / sigma) ** 2)


@dataclass(frozen=True)
class Histogram:
    centers: np.ndarray
    counts: np.ndarray
    width: float


def histogram(x: np.ndarray, width: float) -> Histogram:
    """Counts of ``x`` on intervals of ``width`` aligned to multiples of ``width``."""
    lo = np.floor(np.min(x) / width) * width
    hi = np.ceil(np.max(x) / width) * width + width
    edges = np.arange(lo, hi + width / 2, width)
    counts, edges = np.histogram(x, bins=edges)
    return Histogram(0.5 * (edges[:-1] + edges[1:]), counts, width)


def fit_gaussian(h: Histogram) -> tuple[np.ndarray, float]:
    """(amplitude, center, sigma) of a Gaussian fitted to a histogram, and R^2 of the fit. With
    fewer than 3 occupied bins (a constant or two-valued axis: no curve to fit) the moments."""
    c, y = h.centers, h.counts.astype(np.float64)
    total = y.sum()
    mean = (c * y).sum() / total
    std = np.sqrt(max(((c - mean) ** 2 * y).sum() / total, h.width**2 / 12))
    p0 = (y.max(), mean, std)
    try:
        if np.count_nonzero(y) < 3:
            raise RuntimeError("fewer than 3 occupied bins")
        popt, _ = curve_fit(gaussian, c, y, p0=p0, maxfev=4000)
        popt[2] = abs(popt[2])
    except RuntimeError:  # no convergence, or nothing to fit: fall back to the moments
        popt = np.array(p0)
    resid = y - gaussian(c, *popt)
    r2 = 1.0 - (resid**2).sum() / max(((y - y.mean()) ** 2).sum(), 1e-12)
    return np.asarray(popt), float(r2)


def radius_range(radius: np.ndarray, share: float = 0.001) -> dict[str, float]:
    """Where the radial density lives: the smallest and largest radius, and the radii below and
    above which only ``share`` of the points lie (the blog: empty near 0 and beyond a radius)."""
    lo, hi = np.quantile(radius, [share, 1.0 - share])
    return {"min": float(radius.min()), "low": float(lo), "high": float(hi),
            "max": float(radius.max()), "share_outside_each": share}


def _quantiles(values: np.ndarray, q) -> dict[str, float]:
    """{"q10": ..., "q50": ...} of ``values`` at the shares ``q``."""
    return {f"q{round(100 * p)}": round(float(v), 4) for p, v in zip(q, np.quantile(values, q), strict=True)}


class LatentDensity(BaseEstimator):
    """Per-axis and radial number densities of z-points, with Gaussian fits.

    Parameters: ``bin_width`` of the axis histograms; ``radius_widths`` of the radius histograms;
    an axis is *off-centre* when |centre| > ``center_threshold`` x the median width of all axes,
    *broad* when its width > ``broad_factor`` x that median; ``unusual_axes_`` are the axes that
    are either (``off_centre_`` and ``broad_`` say which).
    """

    def __init__(self, bin_width: float = 0.25, radius_widths=(0.5, 0.05),
                 center_threshold: float = 1.0, broad_factor: float = 1.5):
        self.bin_width = bin_width
        self.radius_widths = radius_widths
        self.center_threshold = center_threshold
        self.broad_factor = broad_factor

    def fit(self, z: np.ndarray) -> LatentDensity:
        widths = (self.bin_width, *self.radius_widths)
        if not all(np.isfinite(w) and w > 0 for w in widths):
            raise ValueError(f"bin_width and radius_widths must be finite and > 0, found "
                             f"{self.bin_width} and {tuple(self.radius_widths)}")
        z = np.asarray(z, dtype=np.float32)
        if z.ndim != 2 or z.shape[1] < 1 or len(z) < 10:
            raise ValueError(f"expected z-points as an (N, z_dim) array with N >= 10, found {z.shape}")
        self.n_points_, self.z_dim_ = z.shape
        self.histograms_ = [histogram(z[:, j], self.bin_width) for j in range(self.z_dim_)]
        fits = [fit_gaussian(h) for h in self.histograms_]
        params = np.array([f[0] for f in fits])
        self.amplitudes_, self.centers_, self.sigmas_ = params.T
        self.fwhm_ = FWHM_PER_SIGMA * self.sigmas_
        self.fit_r2_ = np.array([f[1] for f in fits])
        self.sigma_median_ = float(np.median(self.sigmas_))
        self.off_centre_ = np.abs(self.centers_) > self.center_threshold * self.sigma_median_
        self.broad_ = self.sigmas_ > self.broad_factor * self.sigma_median_
        self.unusual_axes_ = np.flatnonzero(self.off_centre_ | self.broad_)
        radius = np.linalg.norm(z.astype(np.float64), axis=1)
        self.radius_histograms_ = {float(w): histogram(radius, w) for w in self.radius_widths}
        coarse = self.radius_histograms_[float(self.radius_widths[0])]
        (_, self.radius_peak_, self.radius_sigma_), _ = fit_gaussian(coarse)
        self.radius_expected_ = float(np.sqrt(self.z_dim_))
        self.radius_mean_ = float(radius.mean())
        self.radius_range_ = radius_range(radius)
        return self

    def summary(self) -> dict:
        """The fit's numbers that mean the same in every run, whatever the order and sign of the
        axes: counts and shares of off-centre and broad axes, quantiles of the per-axis widths
        and |centres|, the radius peak over sqrt(z_dim) and over sqrt(z_dim) x median sigma (the
        scale-free form). Per-axis records stay in ``axis_table``."""
        check_is_fitted(self, "sigmas_")
        q = (0.1, 0.5, 0.9)
        off, broad = int(self.off_centre_.sum()), int(self.broad_.sum())
        return {
            "z_dim": int(self.z_dim_),
            "fit_r2_median": float(np.median(self.fit_r2_)),
            "sigma_median": self.sigma_median_,
            "sigma_quantiles": _quantiles(self.sigmas_, q),
            "fwhm_quantiles": _quantiles(self.fwhm_, q),
            "abs_center_quantiles": _quantiles(np.abs(self.centers_), q),
            "off_centre_count": off, "broad_count": broad,
            "off_centre_share": round(off / self.z_dim_, 4),
            "broad_share": round(broad / self.z_dim_, 4),
            "unusual_count": int(len(self.unusual_axes_)),
            "unusual_share": round(len(self.unusual_axes_) / self.z_dim_, 4),
            "radius_peak": float(self.radius_peak_),
            "radius_expected": self.radius_expected_,
            "radius_ratio": round(float(self.radius_peak_) / self.radius_expected_, 4),
            "radius_ratio_scaled": round(float(self.radius_peak_)
                                         / (self.radius_expected_ * self.sigma_median_), 4),
        }

    def fitted_curve(self, axis: int, points: int = 300) -> tuple[np.ndarray, np.ndarray]:
        """(x, counts) of the Gaussian fitted to ``axis``, over the range of its histogram."""
        check_is_fitted(self, "histograms_")
        h = self.histograms_[axis]
        x = np.linspace(h.centers[0], h.centers[-1], points)
        return x, gaussian(x, self.amplitudes_[axis], self.centers_[axis], self.sigmas_[axis])

    def axis_table(self, axes=None) -> list[dict]:
        """[{axis, center, width (FWHM), sigma, r2}] for ``axes`` (default: ``unusual_axes_``,
        the broad or off-centre ones)."""
        check_is_fitted(self, "histograms_")
        axes = self.unusual_axes_ if axes is None else np.asarray(axes)
        return [{"axis": int(j), "center": round(float(self.centers_[j]), 3),
                 "fwhm": round(float(self.fwhm_[j]), 3), "sigma": round(float(self.sigmas_[j]), 3),
                 "r2": round(float(self.fit_r2_[j]), 4)} for j in axes]

    def fact_keeping(self, z: np.ndarray, count: int, start: float, grow: float = 1.1,
                     limit: float = 100.0) -> tuple[float, np.ndarray] | None:
        """The smallest fact ``start * grow**k`` (up to ``limit``) whose ``trim`` keeps at least
        ``count`` points, with that trim's mask (each fact trimmed once); None when none does
        (axes far from Gaussian, e.g. skewed pixels)."""
        fact = float(start)
        while fact <= limit:
            kept = self.trim(z, fact)
            if kept.sum() >= count:
                return fact, kept
            fact *= grow
        return None

    def trim(self, z: np.ndarray, fact: float) -> np.ndarray:
        """Boolean mask of the points with mu_j - fact*FWHM_j <= z_j <= mu_j + fact*FWHM_j on every
        axis (the blog's elimination of outer points before PCA)."""
        check_is_fitted(self, "centers_")
        z = np.asarray(z)
        if z.shape[1] != self.z_dim_:
            raise ValueError(f"z has {z.shape[1]} axes, the density was fitted on {self.z_dim_}")
        lo = self.centers_ - fact * self.fwhm_
        hi = self.centers_ + fact * self.fwhm_
        keep = np.ones(len(z), bool)
        for start in range(0, len(z), 65_536):  # bounded memory
            block = z[start:start + 65_536]
            keep[start:start + len(block)] = ((block >= lo) & (block <= hi)).all(axis=1)
        return keep

