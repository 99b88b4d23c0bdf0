"""Notebook 02's step: number densities of the AE's z-points per axis and per radius."""

from __future__ import annotations

import numpy as np

from .. import config
from ..latent.density import LatentDensity
from ..latent.scale import axis_spread, widths
from ..store import RunDir


def scaled_density(cfg: config.Profile, z: np.ndarray) -> LatentDensity:
    """Per-axis and radial densities of ``z`` at the blog's bin widths taken as fractions of z's
    spread (``latent.scale``): the one construction notebooks 02, 04 and 08 share."""
    spread = axis_spread(z)
    return LatentDensity(bin_width=cfg.bin_fraction * spread,
                         radius_widths=widths(cfg.radius_bin_fractions, spread)).fit(z)


def number_density(cfg: config.Profile, run: RunDir, z: np.ndarray) -> LatentDensity:
    """Fit the per-axis and radial densities at the blog's bin widths taken as fractions of the
    data's spread; record the widths used, the broad or off-centre axes, the median Gaussian
    width, the radius peak against sqrt(z_dim) and the radius range the density occupies."""
    density = scaled_density(cfg, z)
    run.record("bin_widths", {"spread_fwhm": round(density.bin_width / cfg.bin_fraction, 4),
                              "axis": round(density.bin_width, 4),
                              "radius": [round(w, 4) for w in density.radius_widths]})
    run.record("off_center_axes", density.axis_table())
    for key, value in density.summary().items():
        run.record(key, value)
    run.record("radius_range", {k: round(v, 4) for k, v in density.radius_range_.items()})
    return density
