"""Notebook 02's step: number densities of the AE's z-points per axis and per radius."""

from __future__ import annotations

import numpy as np

from .. import config
from ..latent.density import LatentDensity
from ..store import RunDir


def number_density(cfg: config.Profile, run: RunDir, z: np.ndarray) -> LatentDensity:
    """Fit the per-axis and radial densities; record the broad or off-centre axes, the median
    Gaussian width and the radius peak against sqrt(z_dim)."""
    density = LatentDensity(bin_width=cfg.bin_width).fit(z)
    run.record("off_center_axes", density.axis_table())
    run.record("off_center_count", int(len(density.off_center_axes_)))
    run.record("fit_r2_median", float(np.median(density.fit_r2_)))
    run.record("sigma_median", density.sigma_median_)
    run.record("radius_peak", density.radius_peak_)
    run.record("radius_expected", density.radius_expected_)
    return density
