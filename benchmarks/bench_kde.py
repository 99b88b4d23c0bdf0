"""Density contour grid for one pair of components at 80,000 points: the binned, whitened KDE of
nbhelpers.latent.ellipses against scipy's gaussian_kde on the same 100x100 grid, in one run,
plus how far the two densities and their contour regions differ.

    .venv/bin/python benchmarks/bench_kde.py --n 80000 --grid 100
"""

from __future__ import annotations

import argparse
import time

import _common
import numpy as np


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=80_000)
    ap.add_argument("--grid", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    from scipy.stats import gaussian_kde

    from nbhelpers.latent.kde import density_grid

    rng = np.random.default_rng(0)
    xy = rng.multivariate_normal([0.5, -1.0], [[2.0, 0.9], [0.9, 1.0]], args.n)
    ours = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        g = density_grid(xy, args.grid)
        ours.append(time.perf_counter() - t0)
    px, py = np.meshgrid(g.x, g.y)
    t0 = time.perf_counter()
    ref = gaussian_kde(xy.T)(np.vstack([px.ravel(), py.ravel()])).reshape(px.shape)
    scipy_s = time.perf_counter() - t0
    ours_s = float(np.median(ours))
    mism = {}
    for level in g.levels((0.95, 0.8, 0.5, 0.2)):
        a, b = g.density >= level, ref >= level
        mism[f"{level:.4g}"] = round(float((a ^ b).sum() / max(b.sum(), 1)), 4)
    return _common.save("kde", {
        "n": args.n, "grid": args.grid, "ours_s": round(ours_s, 4),
        "scipy_gaussian_kde_s": round(scipy_s, 2), "speedup": round(scipy_s / ours_s, 1),
        "relative_l2_difference": round(float(np.linalg.norm(g.density - ref) / np.linalg.norm(ref)), 4),
        "contour_region_mismatch_by_level": mism,
    })


if __name__ == "__main__":
    main()
