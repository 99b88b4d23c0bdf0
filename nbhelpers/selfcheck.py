"""Self-checks: each notebook's numerical functions run on planted inputs whose answer is known.

The regression baseline sees a wrong constant only when it moves a trained model's numbers past
their seed noise; a self-check sees it at once. Every check feeds a library function an input
drawn from a fixed seed (numpy's PCG64 gives the same numbers on every machine), so its value is
the same on every run up to floating point: ``baselines/self_checks.json`` holds them, and the
check of a run (``regression.self_check_departures``, called by ``regression.check``) flags any
value more than ``REL`` (relative) away. Each check also carries the
answer the theory gives (``expected``), for the reader: a Gaussian's FWHM is 2.3548 sigma, a
bivariate normal keeps 86.47 % of its points inside the 2-sigma ellipse, and so on.

``CHECKS`` maps each notebook to the checks of the functions it uses; ``run(notebook)`` computes
them, ``{name: {"value", "expected", "what"}}``, in well under a second each (t-SNE aside: about
a second). The functions checked are ``latent``'s and the split of ``data.images``: numpy,
scipy, scikit-learn and openTSNE, never Keras (an import contract keeps it so).
"""

from __future__ import annotations

import math

import numpy as np

REL = 1e-6  # a value further than this (relative) from the committed one is a departure


def _rng(seed: int = 20261203) -> np.random.Generator:
    return np.random.default_rng(seed)


def _row(value, expected, what: str, rel: float = REL) -> dict:
    """A check's record; ``rel`` wider than ``REL`` only where the library sums in threads."""
    return {"value": round(float(value), 10), "expected": round(float(expected), 10), "what": what,
            "rel": rel}


def split_checks() -> dict:
    """``split_indices``, which every training and every held-out figure uses: 2,000 images at a
    validation share of 0.1 give 1,800 to train on and 200 held out, none in both, none left out;
    with 1,700 asked for training (the celeba profile's way) 300 are held out."""
    from .data.images import split_indices

    train, val = split_indices(2_000, 0.1, seed=7)
    rest = split_indices(2_000, 0.1, seed=7, n_train=1_700)[1]
    return {
        "split_train": _row(len(train), 1_800, "training images of 2,000 at val_fraction 0.1"),
        "split_validation": _row(len(val), 200, "held-out images of 2,000 at val_fraction 0.1"),
        "split_overlap": _row(len(np.intersect1d(train, val)), 0, "images both trained on and "
                              "held out (a leak)"),
        "split_union": _row(len(np.union1d(train, val)), 2_000, "images in either part"),
        "split_held_out_given_n_train": _row(len(rest), 300, "held out of 2,000 when 1,700 "
                                             "train (both ways share the return line the overlap "
                                             "check reads)"),
    }


def density_checks() -> dict:
    """``LatentDensity`` on 10,000 points of N(0, diag(1, 2, ..., 8)^2) in 8 dimensions at bins
    of 0.25: the fitted sigma of each axis is its own, the FWHM 2.3548 sigma, the radius of
    z ~ N(0, I) in 16 dimensions peaks at the chi mode sqrt(15)."""
    from .latent.density import LatentDensity

    rng = _rng()
    sig = np.arange(1, 9, dtype=float)
    d = LatentDensity(bin_width=0.25, radius_widths=(0.5, 0.05)).fit(
        rng.standard_normal((10_000, 8)) * sig)
    unit = LatentDensity(bin_width=0.1, radius_widths=(0.2, 0.02)).fit(
        rng.standard_normal((10_000, 16)))
    return {
        "sigma_axis_5": _row(d.sigmas_[4], 5.0, "fitted sigma of the axis drawn with sigma 5"),
        "fwhm_per_sigma": _row(d.fwhm_[0] / d.sigmas_[0], 2 * math.sqrt(2 * math.log(2)),
                               "FWHM / sigma of a fitted Gaussian"),
        "broad_axes": _row(int(d.broad_.sum()), 2, "axes wider than 1.5 x the median sigma "
                           "(1.5 x 4.5 = 6.75: the axes of sigma 7 and 8)"),
        "radius_peak_16d": _row(unit.radius_peak_, math.sqrt(15), "radius peak of N(0, I) in "
                                "16 dimensions: the chi mode sqrt(15)"),
    }


def tsne_checks() -> dict:
    """A small t-SNE at the blog's first-run perplexity (10) and the standard exaggeration (12) has a
    KL divergence that other settings change (a setting the library ignores shows here); a
    map's void share against itself is 1; a noisy curve has a low local dimension; points on a
    line are flat."""
    from .latent.dimension import dimension_by_scale
    from .latent.planes import flatness
    from .latent.tsne import tsne
    from .latent.voids import void_share

    rng = _rng()
    x = rng.standard_normal((200, 5))
    small = tsne(x, perplexity=10.0, early_exaggeration=12.0, n_iter=60, exaggeration_iter=30,
                 seed=0, n_jobs=1)
    xy = rng.standard_normal((2_000, 2))
    t = np.linspace(0, 6, 1_500)
    line = np.column_stack([t, np.sin(t), *(0.01 * rng.standard_normal((6, 1_500)))])
    return {
        "tsne_kl": _row(small.kl, small.kl, "KL of t-SNE of 200 points at perplexity 10, 60 "
                        "iterations (no theory: the committed value is the check; perplexity 30 "
                        "reads 0.85)", rel=1e-3),
        "void_share_self": _row(void_share(xy, xy).ratio, 1.0, "void ratio of a map against itself"),
        "void_cells": _row(void_share(xy, xy).cells, 0.98**2 * 2_000 / 5, "cells of the void grid "
                           "on 2,000 points at 5 per cell (about 98 % of them inside the 1-99 % "
                           "box: 384; the grid's side is whole, 19 or 20)"),
        "line_dimension": _row(dimension_by_scale(line, ks=[10, 20, 40], queries=300).lowest()[0],
                               1.0, "local dimension of a noisy curve in 8-d (about 1; a finite "
                               "sample of a bent curve reads more)"),
        "line_flatness": _row(flatness(line[:, :2][:200]) or 0.0, 0.0, "flatness of points on a "
                              "line (0: a line)"),
    }


def ellipse_checks() -> dict:
    """``ConfidenceEllipses`` on 50,000 points of a bivariate normal with rho 0.7: shares inside
    1, 2, 3 sigma are 1 - exp(-n^2/2); the Pearson check reads rho there and a diagonal for
    PCA components; PCA of a
    known spectrum needs a known count of components for 80 %."""
    from .latent.correlation import pearson_check
    from .latent.ellipses import ConfidenceEllipses
    from .latent.pca import LatentPCA

    rng = _rng()
    cov = np.array([[4.0, 0.7 * 2 * 1.5], [0.7 * 2 * 1.5, 2.25]])
    xy = rng.multivariate_normal([1.0, -1.0], cov, 50_000)
    e = ConfidenceEllipses().fit(xy)
    spectrum = np.array([8.0, 4.0, 2.0, 1.0, 0.5, 0.25, 0.125, 0.125])
    z = rng.standard_normal((20_000, 8)) * np.sqrt(spectrum)
    pca = LatentPCA().fit(z)
    return {
        "inside_2sigma": _row(e.fraction_inside(xy, 2), 1 - math.exp(-2), "share of a bivariate "
                              "normal inside its 2-sigma ellipse"),
        "inside_3sigma": _row(e.fraction_inside(xy, 3), 1 - math.exp(-4.5), "the same at 3 sigma"),
        "rho": _row(e.rho_, 0.7, "Pearson rho of the sample"),
        "pearson_offdiag": _row(pearson_check(pca.transform(z))["max_offdiag"], 0.0,
                                "largest off-diagonal Pearson of PCA components"),
        "pearson_correlated": _row(pearson_check(xy)["max_offdiag"], 0.7, "largest off-diagonal "
                                   "Pearson of the bivariate normal with rho 0.7 and sigmas 2 "
                                   "and 1.5 (a covariance would read 2.1)"),
        "components_for_80pct": _row(pca.components_for_target_, 3, "components of the spectrum "
                                     "8, 4, 2, 1, ... for 80 % (14/16 = 87.5 % at three)"),
    }


def realism_checks() -> dict:
    """Precision, recall and density of a set against itself are 1 (density about 1), its
    Frechet distance 0; against a copy shifted by 50 all are 0."""
    from .latent.metrics import RealReference

    rng = _rng()
    real = rng.standard_normal((800, 6))
    same = RealReference.of(real, 5).score(real)
    far = RealReference.of(real, 5).score(real + 50)
    return {
        "precision_self": _row(same.precision, 1.0, "precision of a set against itself"),
        "density_self": _row(same.density, 1.0, "density of a set against itself (about 1)"),
        "frechet_self": _row(same.frechet, 0.0, "Frechet distance of a set to itself"),
        "precision_far": _row(far.precision, 0.0, "precision of a set shifted far away"),
        "frechet_far": _row(far.frechet, 6 * 50**2, "Frechet distance of a shift by 50 in 6-d: "
                            "6 x 50^2"),
    }


def sampling_checks() -> dict:
    """The MVN sampler draws the covariance it was fitted on; the core sampler's bounds are the
    fitted Gaussian's mu +- sigma sqrt(2 ln 100); N(0, I) draws have sigma 1; the mixture has the
    k components it was asked for."""
    from .latent.sampling import GaussianMixtureSampler, MultivariateNormal, StandardNormal, UniformCore

    rng = _rng()
    cov = np.array([[2.0, 0.8, 0.0], [0.8, 1.0, 0.3], [0.0, 0.3, 0.5]])
    z = rng.multivariate_normal(np.zeros(3), cov, 20_000)
    drawn = MultivariateNormal(random_state=0).fit(z).sample(20_000)
    core = UniformCore(random_state=0).fit(rng.standard_normal((20_000, 2)) * 2.0 + 1.0)
    width = float(core.high_[0] - core.low_[0]) / 2
    normal = StandardNormal(random_state=0).fit(z).sample(20_000)
    clusters = np.concatenate([rng.standard_normal((500, 2)) * 0.3 + c for c in (-4.0, 0.0, 4.0)])
    gmm = GaussianMixtureSampler(k=3, random_state=0).fit(clusters)
    return {
        "normal_sd": _row(float(normal.std()), 1.0, "standard deviation of N(0, I) draws"),
        "gmm_components": _row(len(gmm.gmm_.weights_), 3, "components of a mixture fitted with "
                               "k = 3 on three clusters"),
        "mvn_covariance": _row(np.cov(drawn, rowvar=False)[0, 1], 0.8, "covariance (0, 1) of MVN "
                               "draws"),
        "core_half_width": _row(width, 2.0 * math.sqrt(2 * math.log(100)), "half width of the "
                                "core of N(1, 2^2): 2 sqrt(2 ln 100)"),
    }


def probe_checks() -> dict:
    """A binary attribute read from z_1 = y + N(0, 1) has ROC AUC Phi(1/sqrt 2) = 0.760; a
    continuous factor from z = f + N(0, 0.5^2) has R^2 0.8; MIG of a factor on its own axis is
    near 1; the attribute vector of a shift of 2 is 2."""
    from scipy.stats import norm

    from .latent.attributes import attribute_direction
    from .latent.factors import probe_factors

    rng = _rng()
    n = 6_000
    y = (rng.random(n) < 0.4).astype(float)
    f = rng.standard_normal(n)
    z = np.column_stack([y + rng.standard_normal(n), f + 0.5 * rng.standard_normal(n),
                         rng.standard_normal((n, 2))])
    p = probe_factors(z, np.column_stack([y, f]), ["a", "b"], max_points=2_000)
    shifted = rng.standard_normal((n, 3))
    mask = rng.random(n) < 0.5
    shifted[mask, 1] += 2.0
    return {
        "auc_binary": _row(p.auc[0], norm.cdf(1 / math.sqrt(2)), "ROC AUC of y from y + N(0, 1)"),
        "r2_continuous": _row(p.r2[1], 0.8, "R^2 of f from f + N(0, 0.5^2)"),
        "attribute_vector": _row(attribute_direction(shifted, mask).vector[1], 2.0, "attribute "
                                 "vector along a planted shift of 2"),
    }


def sweep_checks() -> dict:
    """The tiny-KL way on hand-made rows: radius 100 -> 10 -> 1 is half the way in logs."""
    from .latent.metrics import tiny_kl_way

    rows = {w: {"radius_peak": r, "precision": p}
            for w, r, p in zip(("0", "0.001", "0.1", "1"), (100.0, 10.0, 3.0, 1.0),
                               (0.1, 0.3, 0.7, 0.9), strict=True)}
    way = tiny_kl_way(rows, 2_000)
    return {"tiny_kl_radius_way": _row(way["radius"], 0.5, "log way of 100 -> 10 -> 1"),
            "tiny_kl_precision_way": _row(way["precision"], 0.25, "way of 0.1 -> 0.3 -> 0.9")}


CHECKS = {
    "01_autoencoder_training": (split_checks,),
    "02_latent_number_density": (density_checks,),
    "03_tsne_filaments": (tsne_checks,),
    "04_pca_ellipses": (density_checks, ellipse_checks),
    "05_vae_extra_dense_layer": (split_checks, realism_checks),
    "06_face_generation": (realism_checks, sampling_checks),
    "07_ground_truth_factors": (probe_checks,),
    "08_vae_latent_space": (density_checks, sweep_checks),
}


def run(notebook: str) -> dict:
    """The self-checks of ``notebook`` (``CHECKS``), {name: {value, expected, what}}."""
    out = {}
    for check in CHECKS.get(notebook, ()):
        out.update(check())
    return out


def departures(found: dict, committed: dict, rel: float = REL) -> list[str]:
    """The checks whose value lies more than ``rel`` (relative, with 1e-9 absolute for values
    near 0) from the committed one, or that are missing, each as a line naming it."""
    out = []
    for name, row in committed.items():
        if name not in found:
            out.append(f"{name}: missing")
            continue
        a, b = found[name]["value"], row["value"]
        tol = max(rel, row.get("rel", rel))
        if not abs(a - b) <= tol * max(abs(a), abs(b)) + 1e-9:
            out.append(f"{name}: {a:.10g} where the committed value is {b:.10g} "
                       f"({row.get('what', '')})")
    return out
