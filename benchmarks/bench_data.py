"""Synthetic faces rendered per second at 96x96, and peak RSS while building and then streaming
one epoch over a large uint8 cache (batches cast to float32 one at a time).

    .venv/bin/python benchmarks/bench_data.py --render 4000 --cache 100000

The baseline for the memory figure is the float32 copy the stream avoids: N*96*96*3*4 bytes.
"""

from __future__ import annotations

import argparse
import tempfile
import time

import _common


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--render", type=int, default=4000)
    ap.add_argument("--cache", type=int, default=100_000)
    ap.add_argument("--size", type=int, default=96)
    args = ap.parse_args(argv)
    from nbhelpers.data import open_cache, synthetic_cache
    from nbhelpers.data.synthfaces import make_faces
    from nbhelpers.models.batches import ImageBatches

    base = _common.current_rss()  # interpreter, numpy, Keras and TensorFlow already imported
    make_faces(256, args.size)  # warm-up
    t0 = time.perf_counter()
    make_faces(args.render, args.size, seed=1)
    render_rate = args.render / (time.perf_counter() - t0)

    with tempfile.TemporaryDirectory() as tmp:
        with _common.RSSWatcher() as build:
            t0 = time.perf_counter()
            path = synthetic_cache(tmp, args.cache, args.size, progress=False)
            build_s = time.perf_counter() - t0
        after_build = _common.rss_split()
        with _common.RSSWatcher() as stream:
            images = open_cache(path)
            batches = ImageBatches(images, batch_size=128, shuffle=True)
            t0 = time.perf_counter()
            total = 0.0
            for i in range(len(batches)):
                x, _ = batches[i]
                total += float(x[:, 0, 0, 0].sum())
            stream_s = time.perf_counter() - t0
        after_stream = _common.rss_split()
    return _common.save("data", {
        "render_size": args.size, "faces_per_s": round(render_rate, 1),
        "cache_images": args.cache, "cache_gb_uint8": round(images.nbytes / 1e9, 2),
        "float32_copy_gb": round(images.size * 4 / 1e9, 2), "build_s": round(build_s, 1),
        "stream_epoch_s": round(stream_s, 1),
        "peak_rss_gb": round(max(build.peak, stream.peak) / 1e9, 3),
        "peak_rss_build_gb": round(build.peak / 1e9, 3),
        "peak_rss_stream_gb": round(stream.peak / 1e9, 3),
        "rss_after_build_mb": after_build, "rss_after_stream_mb": after_stream,
        "baseline_rss_gb": round(base / 1e9, 3),
        "peak_rss_over_float32_copy": round(max(build.peak, stream.peak) / (images.size * 4), 4),
    })


if __name__ == "__main__":
    main()
