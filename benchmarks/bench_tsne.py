"""t-SNE of 256-d z-like points: nbhelpers' openTSNE path against scikit-learn's TSNE on the same
20,000 points and settings (1000 iterations, perplexity 30), both on all cores, in one run; then
the openTSNE path alone at 165,000 points (the blog's full CelebA set).

Each library reports a KL divergence from its own approximations, so both embeddings are also
scored by ``latent.tsne.embedding_kl`` (exact-neighbour P, exact Q normalisation): that is the
"comparable KL" of the comparison. The load average before and after says how quiet it was.

    .venv/bin/python benchmarks/bench_tsne.py --n 20000 --big 165000
    .venv/bin/python benchmarks/bench_tsne.py --n 20000 --big 0 --variants --out tsne_variants
    .venv/bin/python benchmarks/bench_tsne.py --n 80000 --big 0 --out tsne_80k
    .venv/bin/python benchmarks/bench_tsne.py --n 80000 --big 165000 \
        --z runs/celeba_size/latent/z_ae.npy --out tsne_celeba_size_z

``--z``: the points are the rows of a z file instead (a run's ``latent/z_ae.npy``; the issue's
CelebA-sized synthetic run: ``python -m nbhelpers run --profile celeba --set data_source=synthetic
--set n_images=162770 --set epochs=1 --only 01 --run-dir runs/celeba_size``); the 80,000 and
165,000 points are drawn from its rows by the same seeded subset as the notebooks.

The points: a mixture of 40 elongated Gaussian clusters in 256 dimensions (filament-like), so that
the embedding has structure to find.
"""

from __future__ import annotations

import argparse
import os

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


# (label, openTSNE options for n points, total iterations): each is faster than the default path
VARIANTS = [
    ("coarser FFT grid (ints_in_interval=2)", lambda n: {"ints_in_interval": 2}, 1000),
    ("2 interpolation points per interval", lambda n: {"n_interpolation_points": 2}, 1000),
    ("750 iterations (openTSNE's own default)", lambda n: {}, 750),
    ("500 iterations", lambda n: {}, 500),
    ("scikit-learn's learning rate, n / 48", lambda n: {"learning_rate": max(n / 48, 50)}, 1000),
]


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--big", type=int, default=165_000, help="0 to skip the large run")
    ap.add_argument("--iter", type=int, default=1000)
    ap.add_argument("--perplexity", type=float, default=30.0)
    ap.add_argument("--out", default="tsne", help="results/<out>.json")
    ap.add_argument("--z", default=None, help="a z file (.npy) to draw the points from")
    ap.add_argument("--variants", action="store_true",
                    help="also time openTSNE settings that trade accuracy for speed, each scored "
                         "with the same exact KL")
    args = ap.parse_args(argv)
    from nbhelpers.latent.tsne import embedding_kl, tsne

    load_before = round(os.getloadavg()[0], 2)
    z = np.load(args.z, mmap_mode="r") if args.z else points(max(args.n, args.big))
    kw = dict(n_iter=args.iter, perplexity=args.perplexity, seed=0)
    ours = tsne(z, args.n, method="opentsne", **kw)
    theirs = tsne(z, args.n, method="sklearn", **kw)
    x = z[ours.index]  # the same rows for both: tsne draws them from the seed
    result = {"n": args.n, "dim": int(z.shape[1]), "points": args.z or "40 elongated clusters",
              "iterations": args.iter, "perplexity": args.perplexity,
              "load_1min_before": load_before,
              "opentsne_s": round(ours.seconds, 1), "sklearn_s": round(theirs.seconds, 1),
              "speedup": round(theirs.seconds / ours.seconds, 2),
              "opentsne_kl_reported": round(ours.kl, 4), "sklearn_kl_reported": round(theirs.kl, 4),
              "opentsne_kl_exact": round(embedding_kl(x, ours.embedding, args.perplexity), 4),
              "sklearn_kl_exact": round(embedding_kl(x, theirs.embedding, args.perplexity), 4)}
    if args.variants:
        result["variants"] = []
        for label, opts, n_iter in VARIANTS:
            v = tsne(z, args.n, method="opentsne", **{**kw, "n_iter": n_iter},
                     opentsne_options=opts(args.n))
            result["variants"].append({"variant": label, "seconds": round(v.seconds, 1),
                                       "speedup_vs_sklearn": round(theirs.seconds / v.seconds, 2),
                                       "kl_exact": round(embedding_kl(x, v.embedding, args.perplexity), 4)})
    if args.big:
        big = tsne(z, args.big, method="opentsne", **kw)
        result.update({"big_n": args.big, "big_opentsne_s": round(big.seconds, 1),
                       "big_opentsne_min": round(big.seconds / 60, 2),
                       "big_kl_reported": round(big.kl, 4)})
    return _common.save(args.out, result)


if __name__ == "__main__":
    main()
