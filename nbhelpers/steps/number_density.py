"""Notebook 02's step: number densities of the AE's z-points per axis and per radius."""

from __future__ import annotations

import numpy as np

from .. import config
from ..keys import Density, Key
from ..latent.density import LatentDensity
from ..latent.scale import axis_spread, widths
from ..store import RunDir


def scaled_density(cfg: config.Profile, z: np.ndarray) -> LatentDensity:
    """Per-axis and radial densities of ``z`` at the blog's bin widths taken as fractions of z's
    spread (``latent.scale``): the one construction notebooks 02, 04 and 08 share."""
    spread = axis_spread(z)
    return LatentDensity(bin_width=cfg.bin_fraction * spread,
                         radius_widths=widths(cfg.radius_bin_fractions, spread)).fit(z)


def density_record(cfg: config.Profile, density: LatentDensity) -> dict[Key, object]:
    """What a density study records, one shape for the AE's z (notebook 02: one key per item)
    and the VAE's (notebook 08: under ``vae_density``, by the same names): the bin widths used
    (with the spread they are fractions of), ``LatentDensity.summary`` and the radius range the
    density occupies."""
    s, d = density.summary(), Density
    return {d.BIN_WIDTHS: {"spread_fwhm": round(density.bin_width / cfg.bin_fraction, 4),
                           "axis": round(density.bin_width, 4),
                           "radius": [round(w, 4) for w in density.radius_widths]},
            d.Z_DIM: s["z_dim"], d.FIT_R2_MEDIAN: s["fit_r2_median"],
            d.SIGMA_MEDIAN: s["sigma_median"], d.SIGMA_QUANTILES: s["sigma_quantiles"],
            d.FWHM_QUANTILES: s["fwhm_quantiles"],
            d.ABS_CENTER_QUANTILES: s["abs_center_quantiles"],
            d.OFF_CENTRE_COUNT: s["off_centre_count"], d.BROAD_COUNT: s["broad_count"],
            d.OFF_CENTRE_SHARE: s["off_centre_share"], d.BROAD_SHARE: s["broad_share"],
            d.UNUSUAL_COUNT: s["unusual_count"], d.UNUSUAL_SHARE: s["unusual_share"],
            d.RADIUS_PEAK: s["radius_peak"], d.RADIUS_EXPECTED: s["radius_expected"],
            d.RADIUS_RATIO: s["radius_ratio"], d.RADIUS_RATIO_SCALED: s["radius_ratio_scaled"],
            d.RADIUS_RANGE: {k: round(v, 4) for k, v in density.radius_range_.items()}}


def measure(cfg: config.Profile, run: RunDir, z: np.ndarray) -> LatentDensity:
    """Fit the per-axis and radial densities at the blog's bin widths taken as fractions of the
    data's spread; record ``density_record`` (the widths used, the median Gaussian width, the
    radius peak against sqrt(z_dim), the radius range) and the broad or off-centre axes."""
    density = scaled_density(cfg, z)
    for key, value in density_record(cfg, density).items():
        run.record(key, value)
    run.record(Density.UNUSUAL_AXES, density.axis_table())
    return density
