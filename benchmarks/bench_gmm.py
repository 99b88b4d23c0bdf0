"""The GMM sampler of notebook 06 fitted on a random subset of z against all of it, in one run:
fit time and the mean log-likelihood of held-out z-points (higher is better).

    .venv/bin/python benchmarks/bench_gmm.py --z runs/celeba_plan/latent/z_ae.npy --subset 50000

At CelebA size (146,493 training points of 256 dimensions, 10 full-covariance components) the
full fit is the slowest step of notebook 06 on a 2-core machine.
"""

from __future__ import annotations

import argparse
import time

import _common
import numpy as np


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--z", required=True, help="a z-point .npy file, e.g. a celeba-plan run's z_ae.npy")
    ap.add_argument("--subset", type=int, default=50_000)
    ap.add_argument("--components", type=int, default=10)
    ap.add_argument("--held-out", type=int, default=10_000)
    args = ap.parse_args(argv)
    from nbhelpers.latent.sampling import GaussianMixtureSampler

    z = np.load(args.z).astype(np.float64)
    perm = np.random.default_rng(0).permutation(len(z))
    held, train = z[perm[:args.held_out]], z[perm[args.held_out:]]
    result = {"points": len(train), "dim": z.shape[1], "components": args.components,
              "subset": args.subset, "held_out": args.held_out}
    for label, max_points in (("subset", args.subset), ("full", None)):
        t0 = time.perf_counter()
        s = GaussianMixtureSampler(args.components, max_points=max_points, random_state=0).fit(train)
        result[f"{label}_fit_s"] = round(time.perf_counter() - t0, 1)
        result[f"{label}_heldout_loglik"] = round(float(s.gmm_.score(held)), 2)
    result["speedup"] = round(result["full_fit_s"] / result["subset_fit_s"], 2)
    return _common.save("gmm", result)


if __name__ == "__main__":
    main()
