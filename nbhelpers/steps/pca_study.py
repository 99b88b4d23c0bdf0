"""Notebook 04's step: trimming, PCA of the survivors, Gaussians per component, ellipses.

Bin widths are the profile's fractions of the data's spread (``latent.scale``); the width used
in data units is recorded beside the numbers it shaped."""

from __future__ import annotations

import numpy as np

from .. import config
from ..keys import Ellipses
from ..latent import ellipses
from ..latent.correlation import pearson, pearson_check, top_correlated_pairs
from ..latent.density import LatentDensity
from ..latent.pca import TrimmedPCA, component_pairs, pca_after_trim
from ..latent.scale import axis_spread
from ..store import RunDir


def min_survivors(z: np.ndarray) -> int:
    """The fewest survivors a PCA after trimming works on: 1 % of the points, at least 50."""
    return max(50, len(z) // 100)


def survivors(cfg: config.Profile, run: RunDir, z: np.ndarray,
              density: LatentDensity) -> dict[float, int]:
    """Points kept by trimming at each of the profile's facts, recorded as ``survivors_by_fact``."""
    kept = {float(f): int(density.trim(z, f).sum()) for f in cfg.trim_facts}
    run.record(Ellipses.SURVIVORS_BY_FACT, {str(f): n for f, n in kept.items()})
    return kept


def trimmed_pca(cfg: config.Profile, run: RunDir, z: np.ndarray, density: LatentDensity,
                fact: float | None = None) -> TrimmedPCA:
    """PCA of the points that survive trimming at ``fact`` (default: the profile's), on a random
    subset of ``pca_max_points`` of them where there are more; records the components for 80 % of
    the variance, the Pearson check, the survivors and the points analysed."""
    fact = cfg.trim_fact if fact is None else fact
    need = min_survivors(z)
    found = density.fact_keeping(z, need, fact)  # ``fact`` itself when it keeps enough
    if found is None:  # z from elsewhere, axes far from Gaussian
        raise ValueError(f"trimming keeps fewer than {need} of {len(z):,} z-points at any fact "
                         f"up to 100: the axes are far from Gaussian, the blog's PCA after "
                         f"trimming does not apply")
    wider, kept = found
    if wider != fact:
        run.record(Ellipses.TRIM_NOTE, f"fact {fact:g} kept fewer than {need} points; widened to "
                                f"{wider:.3g}")
    fact = wider
    t = pca_after_trim(z, kept, fact, cfg.pca_max_points, cfg.seed)
    check = pearson_check(t.components)
    e = Ellipses
    values = {e.COMPONENTS_80: t.pca.components_for_target_,
              e.COMPONENTS_SHARE_80: round(t.pca.components_for_target_ / z.shape[1], 4),
              e.PEARSON_MAX_OFFDIAG: check["max_offdiag"],
              e.PEARSON_MAX_DIAG_DEVIATION: check["max_diag_deviation"],
              e.SURVIVORS: t.n, e.PCA_POINTS: t.n_analysed, e.TRIM_FACT_USED: round(fact, 4)}
    for key, value in values.items():
        run.record(key, value)
    return t


def component_density(cfg: config.Profile, run: RunDir, trimmed: TrimmedPCA,
                      z: np.ndarray) -> LatentDensity:
    """Number densities of the leading ``pca_pairs_max`` components with Gaussian fits, binned at
    the blog's 0.5 as a fraction of the spread of z's axes (``component_bin_fraction``; the PCA
    is a rotation, so its coordinates are in z's units); records the width and the fitted centre
    and sigma of components 0-9."""
    comps = trimmed.components[:, :cfg.pca_pairs_max]
    width = cfg.component_bin_fraction * axis_spread(z)
    density = LatentDensity(bin_width=width).fit(comps)
    run.record(Ellipses.COMPONENT_BIN_WIDTH, round(width, 4))
    run.record(Ellipses.COMPONENT_FITS, density.axis_table(range(min(10, density.z_dim_))))
    return density


def ellipse_study(cfg: config.Profile, run: RunDir, trimmed: TrimmedPCA,
                  fits: LatentDensity | None = None) -> dict[str, list[ellipses.EllipsePanel]]:
    """Ellipses and contours for all pairs among the first 10 components ("near", 45) and for
    components 0-8 against every ``far_step``-th component up to ``pca_pairs_max`` ("far").
    Shares are measured on ``share_points`` points, scatters show ``scatter_points``. With
    ``fits`` (``component_density``) each panel also has the blog's ellipses from the Gaussian
    fits' centres and sigmas. Records each pair's shares and the mean 2- and 3-sigma shares for
    the sample-moment ellipses and, with ``fits``, for the fitted ones."""
    pairs = component_pairs(trimmed.components.shape[1], 10, cfg.pca_pairs_max, cfg.far_step)
    gauss = None if fits is None else (fits.centers_, fits.sigmas_)
    panels = {k: ellipses.ellipse_panels(trimmed.components, v, max_points=cfg.scatter_points,
                                         share_points=cfg.share_points, fits=gauss, seed=cfg.seed)
              for k, v in pairs.items()}
    every = panels["near"] + panels["far"]
    run.record(Ellipses.ELLIPSE_PAIRS, ellipses.panel_stats(every))
    run.record(Ellipses.INSIDE_2SIGMA, ellipses.mean_inside(every, 2))
    run.record(Ellipses.INSIDE_3SIGMA, ellipses.mean_inside(every, 3))
    if fits is not None:
        run.record(Ellipses.FIT_INSIDE_2SIGMA, ellipses.mean_inside(every, 2, fitted=True))
        run.record(Ellipses.FIT_INSIDE_3SIGMA, ellipses.mean_inside(every, 3, fitted=True))
    run.record(Ellipses.ELLIPSE_SHARE_POINTS, every[0].n if every else 0)
    return panels


def by_fact(cfg: config.Profile, run: RunDir, z: np.ndarray, density: LatentDensity,
            pair=(2, 3)) -> dict[float, ellipses.EllipsePanel]:
    """Components ``pair`` after trimming at each of ``ellipse_facts`` (the blog's 1.35, 1.45,
    1.55, 1.7, 1.8), recorded as ``ellipses_by_fact``."""
    out, rec = {}, {}
    for f in cfg.ellipse_facts:
        kept = density.trim(z, f)
        rec[str(f)] = {"survivors": int(kept.sum())}
        if kept.sum() < min_survivors(z):
            rec[str(f)]["skipped"] = f"fewer than {min_survivors(z)} survivors"
            continue
        t = pca_after_trim(z, kept, f, cfg.pca_max_points, cfg.seed)
        out[float(f)] = ellipses.ellipse_panels(t.components, [pair], seed=cfg.seed,
                                                max_points=cfg.scatter_points,
                                                share_points=cfg.share_points)[0]
        rec[str(f)].update(out[float(f)].stats())
    run.record(Ellipses.ELLIPSES_BY_FACT, rec)
    return out


def original_correlations(cfg: config.Profile, run: RunDir, z: np.ndarray,
                          density: LatentDensity | None = None,
                          k: int = 4) -> list[ellipses.EllipsePanel]:
    """The ``k`` most strongly correlated pairs of original axes, recorded with their rho. With
    ``density`` (the per-axis fits of ``number_density.scaled_density``) each panel also has the
    blog's ellipses from the axes' Gaussian fits, whose mean 2- and 3-sigma shares are recorded as
    ``original_fit_inside_2sigma`` and ``original_fit_inside_3sigma``."""
    top = top_correlated_pairs(pearson(z), k)
    gauss = None if density is None else (density.centers_, density.sigmas_)
    panels = ellipses.ellipse_panels(z, [(i, j) for i, j, _ in top], seed=cfg.seed,
                                     max_points=cfg.scatter_points, share_points=cfg.share_points,
                                     fits=gauss)
    run.record(Ellipses.TOP_CORRELATED_AXES, [{"i": i, "j": j, "rho": round(r, 4), **p.stats()}
                                       for (i, j, r), p in zip(top, panels, strict=True)])
    if gauss is not None and panels:
        run.record(Ellipses.ORIGINAL_FIT_INSIDE_2SIGMA, ellipses.mean_inside(panels, 2, fitted=True))
        run.record(Ellipses.ORIGINAL_FIT_INSIDE_3SIGMA, ellipses.mean_inside(panels, 3, fitted=True))
    return panels


def dense_scatter(cfg: config.Profile, run: RunDir, trimmed: TrimmedPCA, fits: LatentDensity,
                  pairs=((0, 1), (2, 3), (4, 5), (1, 8))) -> list[ellipses.EllipsePanel]:
    """The blog's second look at the ellipses: the 3-sigma ellipses over ``dense_scatter_points``
    vectors (the blog's 50,000; at most the survivors there are), so that the scatter fills the
    outer core. Records ``dense_scatter`` (points drawn, pairs and their shares)."""
    d = trimmed.components.shape[1]
    pairs = [(i, j) for i, j in pairs if i < d and j < d]
    panels = ellipses.ellipse_panels(trimmed.components, pairs, seed=cfg.seed,
                                     max_points=cfg.dense_scatter_points,
                                     share_points=max(cfg.share_points, cfg.dense_scatter_points),
                                     fits=(fits.centers_, fits.sigmas_))
    run.record(Ellipses.DENSE_SCATTER, {"points_drawn": len(panels[0].shown) if panels else 0,
                                 "asked": cfg.dense_scatter_points,
                                 "pairs": ellipses.panel_stats(panels)})
    return panels
