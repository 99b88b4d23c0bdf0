"""Training throughput of the blog's AE at 96x96 on this machine: images streamed from the uint8
cache (ImageBatches, float32 per batch) against the same model fed an in-memory float32 array,
measured in the same run, alternating, after a warm-up epoch. Prints images/s and the ratio.

    .venv/bin/python benchmarks/bench_training.py --n 4096 --epochs 2
"""

from __future__ import annotations

import argparse
import tempfile
import time

import _common
import numpy as np


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=4096)
    ap.add_argument("--size", type=int, default=96)
    ap.add_argument("--epochs", type=int, default=2, help="timed epochs per path (after warm-up)")
    ap.add_argument("--batch-size", type=int, default=128)
    args = ap.parse_args(argv)

    from nbhelpers.data import open_cache, synthetic_cache
    from nbhelpers.models import build_autoencoder
    from nbhelpers.models.batches import ImageBatches

    with tempfile.TemporaryDirectory() as tmp:
        cache = open_cache(synthetic_cache(tmp, args.n, args.size, progress=False))
        in_memory = np.asarray(cache, np.float32) / 255.0
        model = build_autoencoder((args.size, args.size, 3), 256)
        streamed = ImageBatches(cache, batch_size=args.batch_size, shuffle=True)
        model.fit(streamed, epochs=1, verbose=0)  # warm-up: tracing, allocations
        model.fit(in_memory, in_memory, batch_size=args.batch_size, epochs=1, verbose=0)
        times = {"streamed": [], "in_memory": []}
        for _ in range(args.epochs):  # alternate, so that drift hits both paths alike
            t0 = time.perf_counter()
            model.fit(streamed, epochs=1, verbose=0)
            times["streamed"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            model.fit(in_memory, in_memory, batch_size=args.batch_size, shuffle=True, epochs=1,
                      verbose=0)
            times["in_memory"].append(time.perf_counter() - t0)
    rate = {k: args.n / float(np.median(v)) for k, v in times.items()}
    return _common.save("training", {
        "n": args.n, "size": args.size, "batch_size": args.batch_size,
        "images_per_s": {k: round(v, 1) for k, v in rate.items()},
        "streamed_over_in_memory": round(rate["streamed"] / rate["in_memory"], 3)})


if __name__ == "__main__":
    main()
