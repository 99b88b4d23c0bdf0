"""Process RSS across trainings in one kernel, with the Colab cycle after each (clear the Keras
session, collect garbage, glibc's malloc_trim: ``resources.MemoryCycles``) against the obvious
alternative (collect garbage only), per Keras backend, each in a fresh process.

    .venv/bin/python benchmarks/bench_cycles.py --trainings 6

The model is the series' AE at 32x32 (z_dim 16) trained one epoch on 64 images: the same loop as
notebooks 05, 07 and 08 at a size where the per-training growth shows within seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import _common

LOOP = """
import gc, json, sys, numpy as np, keras, psutil
from nbhelpers import resources
from nbhelpers.models import build_autoencoder
x = np.random.default_rng(0).random((64, 32, 32, 3)).astype("float32")
rss = []
for i in range({n}):
    model = build_autoencoder((32, 32, 3), 16)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
    model.fit(x, x, batch_size=16, epochs=1, verbose=0)
    del model
    if {cycle}:
        resources.MemoryCycles().after(str(i))
    else:
        gc.collect()
    rss.append(psutil.Process().memory_info().rss / 2**30)
print(json.dumps(rss))
"""


def run(backend: str, n: int, cycle: bool) -> list[float]:
    env = {**os.environ, "KERAS_BACKEND": backend, "PYTHONPATH": str(_common.RESULTS.parents[1])}
    proc = subprocess.run([sys.executable, "-c", LOOP.format(n=n, cycle=cycle)], env=env,
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-2000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--trainings", type=int, default=6)
    ap.add_argument("--backends", nargs="+", default=["tensorflow", "jax"])
    args = ap.parse_args(argv)
    out = {}
    for backend in args.backends:
        for cycle in (True, False):
            rss = run(backend, args.trainings, cycle)
            per = (rss[-1] - rss[0]) / (len(rss) - 1) * 1024
            key = f"{backend}, {'Colab cycle' if cycle else 'gc only'}"
            out[key] = {"rss_gb": [round(r, 3) for r in rss], "growth_mb_per_training": round(per, 1)}
            print(f"{key:28s} RSS after each training (GB): {out[key]['rss_gb']}  "
                  f"+{per:.1f} MB per training", flush=True)
    _common.save("cycles", out)


if __name__ == "__main__":
    main()
