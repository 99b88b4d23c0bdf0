"""The series' time estimate (``nbhelpers.steps.estimate``) against the actual time per notebook.

Give the rates measured on this machine (``python -m nbhelpers estimate --profile smoke --json``,
on quiet cores) and finished runs of that profile (their ``timings.json``):

    .venv/bin/python benchmarks/bench_estimate.py --rates rates.json --runs runs/s12 runs/s13

prints, per notebook, the estimate, the runs' median actual time and the ratio. ``--calibrate``
prints instead what ``REST`` (seconds beyond training and t-SNE, at the reference machine's
speed) would make the estimate equal to the median of the given runs: calibrate on some runs,
check on others.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

import _common  # noqa: F401  (puts the repository on the path)


def actual(runs: list[Path]) -> dict[str, float]:
    """Median seconds per notebook (NN) over the runs' timings.json."""
    per: dict[str, list[float]] = {}
    for run in runs:
        for name, s in json.loads((run / "timings.json").read_text()).items():
            per.setdefault(name[:2], []).append(s)
    return {nb: statistics.median(v) for nb, v in sorted(per.items())}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--rates", required=True, help="JSON of `python -m nbhelpers estimate --json`")
    ap.add_argument("--runs", nargs="+", required=True, type=Path)
    ap.add_argument("--profile", default="smoke")
    ap.add_argument("--calibrate", action="store_true")
    args = ap.parse_args(argv)
    from nbhelpers import config
    from nbhelpers.steps import estimate

    cfg = config.load(args.profile)
    r = json.loads(Path(args.rates).read_text())["rates"]
    rates = estimate.Rates(r["images_per_s"], r["tsne_per_s"])
    works = estimate.work(cfg, cfg.n_images)
    real = actual(args.runs)
    if args.calibrate:
        rest = {nb: round(max(real[nb] - w.train / rates.images_per_s
                              - w.tsne / rates.tsne_per_s, 0) / rates.slower, 1)
                for nb, w in works.items() if nb in real}
        print(f"REST = {rest}  (reference tsne_rate {rates.tsne_per_s:.3g} to make slower 1)")
        return
    est = estimate.seconds(works, rates)
    print(f"rates: {rates.images_per_s:.0f} images/s trained, {rates.tsne_per_s:.3g} t-SNE "
          f"point-iterations/s ({rates.slower:.2f} x the reference machine's time); "
          f"{len(args.runs)} runs")
    print("| notebook | estimate (s) | actual, median (s) | actual / estimate |")
    print("|---|---|---|---|")
    for nb, s in est.items():
        if nb in real:
            print(f"| {nb} | {s:.1f} | {real[nb]:.1f} | {real[nb] / s:.2f} |")
    total_e = sum(est[nb] for nb in real)
    total_a = sum(real.values())
    print(f"| series | {total_e:.0f} | {total_a:.0f} | {total_a / total_e:.2f} |")


if __name__ == "__main__":
    main()
