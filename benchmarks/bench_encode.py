"""Encoding throughput and peak RSS: the blog's AE Encoder (96x96, z_dim 256) encodes a uint8
cache of N images into a float32 .npy chunk by chunk (nbhelpers.steps.encoding). The comparison:
the bytes a float32 copy of the images would take, which the chunked path never allocates.

    .venv/bin/python benchmarks/bench_encode.py --n 100000
"""

from __future__ import annotations

import argparse
import tempfile
import time

import _common


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--size", type=int, default=96)
    args = ap.parse_args(argv)
    from nbhelpers import store
    from nbhelpers.data import Dataset, open_cache, synthetic_cache
    from nbhelpers.models import build_encoder
    from nbhelpers.steps import encoding

    with tempfile.TemporaryDirectory() as tmp:
        images = open_cache(synthetic_cache(tmp, args.n, args.size, progress=False))
        enc = build_encoder((args.size, args.size, 3), 256)
        run = store.RunDir(f"{tmp}/run", "bench")
        encoding.encode(enc, Dataset(images[:512], tmp, "bench"), run, "latent/warm.npy",
                        progress=False)
        with _common.RSSWatcher() as w:
            t0 = time.perf_counter()
            z = encoding.encode(enc, Dataset(images, tmp, "bench"), run, "latent/z.npy",
                                progress=False)
            secs = time.perf_counter() - t0
        shape = z.shape
    return _common.save("encode", {
        "n": args.n, "size": args.size, "z_shape": list(shape), "seconds": round(secs, 1),
        "images_per_s": round(args.n / secs, 1), "peak_rss_gb": round(w.peak / 1e9, 3),
        "float32_images_gb": round(args.n * args.size * args.size * 3 * 4 / 1e9, 2),
    })


if __name__ == "__main__":
    main()
