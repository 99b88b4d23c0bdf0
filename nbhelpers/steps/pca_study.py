"""Notebook 04's step: trimming, PCA of the survivors, Gaussians per component, ellipses."""

from __future__ import annotations

import numpy as np

from .. import config
from ..latent import ellipses
from ..latent.correlation import pearson, pearson_check, top_correlated_pairs
from ..latent.density import LatentDensity
from ..latent.pca import TrimmedPCA, component_pairs, pca_after_trim
from ..store import RunDir


def axis_density(cfg: config.Profile, z: np.ndarray) -> LatentDensity:
    """The per-axis Gaussian fits that trimming measures against (as in notebook 02)."""
    return LatentDensity(bin_width=cfg.bin_width).fit(z)


def survivors(cfg: config.Profile, run: RunDir, z: np.ndarray,
              density: LatentDensity) -> dict[float, int]:
    """Points kept by trimming at each of the profile's facts, recorded as ``survivors_by_fact``."""
    kept = {float(f): int(density.trim(z, f).sum()) for f in cfg.trim_facts}
    run.record("survivors_by_fact", {str(f): n for f, n in kept.items()})
    return kept


def trimmed_pca(cfg: config.Profile, run: RunDir, z: np.ndarray, density: LatentDensity,
                fact: float | None = None) -> TrimmedPCA:
    """PCA of the points that survive trimming at ``fact`` (default: the profile's); records the
    components for 80 % of the variance, the Pearson check and the number of survivors."""
    fact = cfg.trim_fact if fact is None else fact
    t = pca_after_trim(z, density.trim(z, fact), fact)
    check = pearson_check(t.components)
    values = {"components_for_80pct": t.pca.components_for_target_,
              "pearson_max_offdiag": check["max_offdiag"],
              "pearson_max_diag_deviation": check["max_diag_deviation"],
              "survivors": t.n}
    for k, v in values.items():
        run.record(k, v)
    return t


def component_density(cfg: config.Profile, trimmed: TrimmedPCA,
                      bin_width: float = 0.5) -> LatentDensity:
    """Number densities of the leading ``pca_pairs_max`` components with Gaussian fits."""
    return LatentDensity(bin_width=bin_width).fit(trimmed.components[:, :cfg.pca_pairs_max])


def ellipse_study(cfg: config.Profile, run: RunDir,
                  trimmed: TrimmedPCA) -> dict[str, list[ellipses.EllipsePanel]]:
    """Ellipses and contours for neighbouring components among the first 10 ("near") and for the
    leading components against components up to ``pca_pairs_max`` ("far"); records each pair's
    shares and the mean 2- and 3-sigma shares, the numbers the figures' legends show."""
    pairs = component_pairs(trimmed.components.shape[1], 10, cfg.pca_pairs_max)
    panels = {k: ellipses.ellipse_panels(trimmed.components, v, seed=cfg.seed)
              for k, v in pairs.items()}
    every = panels["near"] + panels["far"]
    run.record("ellipse_pairs", ellipses.panel_stats(every))
    run.record("inside_2sigma", ellipses.mean_inside(every, 2))
    run.record("inside_3sigma", ellipses.mean_inside(every, 3))
    return panels


def by_fact(cfg: config.Profile, z: np.ndarray, density: LatentDensity,
            pair=(2, 3)) -> dict[float, ellipses.EllipsePanel]:
    """Components ``pair`` after trimming at every other fact of the profile."""
    out = {}
    for f in cfg.trim_facts[::2]:
        t = pca_after_trim(z, density.trim(z, f), f)
        out[float(f)] = ellipses.ellipse_panels(t.components, [pair], seed=cfg.seed)[0]
    return out


def original_correlations(cfg: config.Profile, run: RunDir, z: np.ndarray,
                          k: int = 4) -> list[ellipses.EllipsePanel]:
    """The ``k`` most strongly correlated pairs of original axes, recorded with their rho."""
    top = top_correlated_pairs(pearson(z), k)
    run.record("top_correlated_axes", [{"i": i, "j": j, "rho": round(r, 4)} for i, j, r in top])
    return ellipses.ellipse_panels(z, [(i, j) for i, j, _ in top], seed=cfg.seed)
