"""t-SNE of 256-d z-like points: nbhelpers' openTSNE path against scikit-learn's TSNE on the same
20,000 points and settings (1000 iterations, perplexity 30), both on all cores, in one run; then
the openTSNE path alone at 165,000 points (the blog's full CelebA set).

    .venv/bin/python benchmarks/bench_tsne.py --n 20000 --big 165000

The points: a mixture of 40 elongated Gaussian clusters in 256 dimensions (filament-like), so that
the embedding has structure to find.
"""

from __future__ import annotations

import argparse

import _common
import numpy as np


def points(n: int, d: int = 256, clusters: int = 40, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 3, (clusters, d))
    dirs = rng.normal(0, 1, (clusters, d))
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    label = rng.integers(0, clusters, n)
    t = rng.normal(0, 4, (n, 1))
    return (centers[label] + t * dirs[label] + rng.normal(0, 1, (n, d))).astype(np.float32)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--big", type=int, default=165_000, help="0 to skip the large run")
    ap.add_argument("--iter", type=int, default=1000)
    args = ap.parse_args(argv)
    from nbhelpers.latent.projections import tsne

    z = points(max(args.n, args.big))
    ours = tsne(z, args.n, n_iter=args.iter, method="opentsne", seed=0)
    theirs = tsne(z, args.n, n_iter=args.iter, method="sklearn", seed=0)
    result = {"n": args.n, "dim": 256, "iterations": args.iter,
              "opentsne_s": round(ours.seconds, 1), "opentsne_kl": round(ours.kl, 3),
              "sklearn_s": round(theirs.seconds, 1), "sklearn_kl": round(theirs.kl, 3),
              "speedup": round(theirs.seconds / ours.seconds, 2)}
    if args.big:
        big = tsne(z, args.big, n_iter=args.iter, method="opentsne", seed=0)
        result.update({"big_n": args.big, "big_opentsne_s": round(big.seconds, 1),
                       "big_opentsne_min": round(big.seconds / 60, 2), "big_kl": round(big.kl, 3)})
    return _common.save("tsne", result)


if __name__ == "__main__":
    main()
