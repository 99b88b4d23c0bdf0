"""The realism judge of notebooks 05, 06 and 08 at the default plan's size: fitting it (pixel PCA
on 5,000 training faces, features and k-NN radii of the 2,000 held-out faces) against reading it
back from the run (``steps.judge`` caches it once per run), in one run on the same images, and
one score of 1,000 generated faces for scale (a notebook scores 1 to 9 sets).

    .venv/bin/python benchmarks/bench_realism.py --size 96 --train 5000 --real 2000 --fake 1000
"""

from __future__ import annotations

import argparse
import tempfile
import time

import _common
import numpy as np


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=96)
    ap.add_argument("--train", type=int, default=5_000)
    ap.add_argument("--real", type=int, default=2_000)
    ap.add_argument("--fake", type=int, default=1_000)
    args = ap.parse_args(argv)
    from nbhelpers.data.synthfaces import make_faces
    from nbhelpers.latent import metrics

    n = args.train + args.real + args.fake
    faces = make_faces(n, args.size, seed=0)[0]
    train, real = faces[:args.train], faces[args.train:args.train + args.real]
    fake = faces[args.train + args.real:]

    t0 = time.perf_counter()
    scorer = metrics.RealismScorer(k=5, random_state=0).fit(train, real)
    fit_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/judge.npz"
        np.savez(path, **scorer.state())
        t0 = time.perf_counter()
        with np.load(path) as saved:
            restored = metrics.RealismScorer.from_state(saved, k=5)
        load_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    row = restored.score(fake)
    score_s = time.perf_counter() - t0
    return _common.save("realism", {
        "image_size": args.size, "train_faces": args.train, "real_faces": args.real,
        "fake_faces": args.fake, "fit_s": round(fit_s, 2), "load_s": round(load_s, 4),
        "fit_over_load": round(fit_s / load_s, 1),
        "score_s": round(score_s, 3), "same_score_as_fitted": row == scorer.score(fake)})


if __name__ == "__main__":
    main()
