"""The blog's absolute widths turned into fractions of the data's spread.

The blog gives bin widths (0.25 per axis, 0.5 and 0.05 per radius, 0.5 per PCA component) and
zoom squares (side 5, then 0.5) in the units of its own z, where most axes had "a half-width of
around 2" (a full width at half maximum, FWHM, of about 2). Another Autoencoder on other data puts
its z-points on another scale (ours, on synthetic faces, about three times wider), so a width of
0.25 there carries other information. Every width is therefore kept as the blog's ratio to its
typical axis FWHM and multiplied by the same measure of the data at hand:
``width = fraction x axis_spread(z)`` with ``fraction = blog width / BLOG_AXIS_FWHM``.

The spread is the median over axes of a robust FWHM (the interquartile range converted to a
Gaussian's FWHM), so a few broad or off-centre axes do not move it.
"""

from __future__ import annotations

import numpy as np

BLOG_AXIS_FWHM = 2.0  # "Gaussians ... with a half-width of around 2" (post II)
FWHM_PER_SIGMA = 2.0 * np.sqrt(2.0 * np.log(2.0))
IQR_PER_SIGMA = 1.3489795


def axis_spread(z: np.ndarray, max_points: int = 100_000) -> float:
    """The median over axes of each axis' FWHM estimated from its interquartile range."""
    z = np.asarray(z)
    if z.ndim != 2 or len(z) < 4:
        raise ValueError(f"expected z-points as an (N >= 4, z_dim) array, found {z.shape}")
    step = max(1, len(z) // max_points)
    q1, q3 = np.percentile(np.asarray(z[::step], dtype=np.float64), [25, 75], axis=0)
    spread = float(np.median((q3 - q1) / IQR_PER_SIGMA * FWHM_PER_SIGMA))
    if not np.isfinite(spread) or spread <= 0:
        raise ValueError(f"the z-points have no spread (median axis FWHM {spread}); "
                         "were they all encoded to the same point?")
    return spread


def widths(fractions, spread: float) -> tuple[float, ...]:
    """Fractions of the spread in data units."""
    return tuple(float(f) * spread for f in fractions)
