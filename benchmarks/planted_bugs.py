"""Power of the regression check: plant realistic bugs and see whether ``check`` flags them.

Each bug is a one-line change to a copy of the package (the working tree is never touched). A copy
of a clean smoke run is re-run from the notebook where the bug lives, with the copy first on
PYTHONPATH, and compared with the committed smoke baseline. Printed: one Markdown row per bug
with the keys flagged (farthest first, in tolerance units) and the claims whose status changed.

    python benchmarks/planted_bugs.py --clean runs/smoke-seed0 [--only NAME ...]

``--clean``: a finished smoke run with a seed of the baseline (its seed is reused). Notebooks are
re-run with ``--only`` (the bug's notebook and, with ``then``, the ones it feeds), so each bug
costs one or two notebooks of the smoke series (10 s to 2 min on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class Plant:
    name: str
    kind: str  # data, model, statistics, projection
    file: str
    old: str
    new: str
    notebooks: str  # what to re-run, e.g. "01" or "04"


PLANTS = (
    Plant("validation images leak into training", "data", "nbhelpers/data/images.py",
          "return np.sort(perm[n_val:]), np.sort(perm[:n_val])",
          "return np.sort(perm), np.sort(perm[:n_val])", "01"),
    Plant("pixels fed at 0-255 instead of 0-1", "data", "nbhelpers/models/batches.py",
          "x *= SCALE  #", "x *= 1.0  #", "01"),
    Plant("factor table one row off its images", "data", "nbhelpers/steps/factors.py",
          "np.column_stack([np.asarray(ds.labels[k], np.float64) for k in names]),",
          "np.roll(np.column_stack([np.asarray(ds.labels[k], np.float64) for k in names]), 1, 0),",
          "07"),
    Plant("Decoder output: relu instead of sigmoid", "model", "nbhelpers/models/conv.py",
          'activation="sigmoid", dtype="float32", name="image"',
          'activation="relu", dtype="float32", name="image"', "01"),
    Plant("KL term dropped from the VAE loss", "model", "nbhelpers/models/vae.py",
          "self.add_loss(self.weight * kl)", "self.add_loss(0.0 * kl)", "05,08"),
    Plant("histogram centres one bin off", "statistics", "nbhelpers/latent/density.py",
          "return Histogram(0.5 * (edges[:-1] + edges[1:]), counts, width)",
          "return Histogram(0.5 * (edges[:-1] + edges[1:]) + width, counts, width)", "02"),
    Plant("radius without the square root", "statistics", "nbhelpers/latent/density.py",
          "radius = np.linalg.norm(z.astype(np.float64), axis=1)",
          "radius = (z.astype(np.float64) ** 2).sum(axis=1)", "02"),
    Plant("trimming at fact x sigma instead of fact x FWHM", "statistics",
          "nbhelpers/latent/density.py", "self.fwhm_ = FWHM_PER_SIGMA * self.sigmas_",
          "self.fwhm_ = self.sigmas_", "04"),
    Plant("MVN sampler fitted on the diagonal covariance", "statistics",
          "nbhelpers/latent/sampling.py", "self.cov_ = np.cov(z, rowvar=False)",
          "self.cov_ = np.diag(np.var(z, axis=0))", "06"),
    Plant("Gaussian reference drawn with N(0, I) instead of z's covariance", "projection",
          "nbhelpers/latent/voids.py", "mean, cov = z.mean(axis=0), np.cov(z, rowvar=False)",
          "mean, cov = z.mean(axis=0), np.eye(z.shape[1])", "03"),
)


def plant_tree(plant: Plant, where: Path) -> Path:
    """A copy of the package, notebooks and baselines with ``plant`` applied."""
    tree = where / "tree"
    for part in ("nbhelpers", "notebooks", "baselines"):
        shutil.copytree(ROOT / part, tree / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    target = tree / plant.file
    text = target.read_text()
    if text.count(plant.old) != 1:
        raise SystemExit(f"{plant.name}: expected the line {plant.old!r} once in {plant.file}, "
                         f"found it {text.count(plant.old)} times")
    target.write_text(text.replace(plant.old, plant.new))
    return tree


def run_plant(plant: Plant, clean: Path, where: Path) -> dict:
    from nbhelpers import baseline, claims, regression, store

    tree = plant_tree(plant, where)
    run = where / "run"
    shutil.copytree(clean, run)
    seed = store.read_results(clean)["environment"]["seed"]
    env = {**os.environ, "PYTHONPATH": str(tree)}
    proc = subprocess.run([sys.executable, "-m", "nbhelpers", "run", "--profile", "smoke",
                           "--only", plant.notebooks, "--run-dir", str(run), "--set",
                           f"seed={seed}"], cwd=tree, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"bug": plant.name, "error": (proc.stdout + proc.stderr)[-1500:]}
    base = regression.load_baseline(ROOT / "baselines" / "smoke.json")
    results = store.read_results(run)
    rows = claims.evaluate(results, spread=baseline.spreads(base))
    drift = baseline.compare(results, base, regression.statuses(rows))
    moved = sorted(drift.moved, key=lambda m: -m.units)
    return {"bug": plant.name, "kind": plant.kind, "notebooks": plant.notebooks,
            "flagged": not drift.ok, "moved": [(m.key, round(m.units, 1)) for m in moved],
            "claims": drift.claims_changed}


def markdown(rows: list[dict], top: int = 3) -> str:
    out = ["| bug | kind | re-run | flagged | keys moved (farthest first, in tolerances) | "
           "claims changed |", "|---|---|---|---|---|---|"]
    for r in rows:
        if "error" in r:
            out.append(f"| {r['bug']} | | | error | {r['error'][-200:]!r} | |")
            continue
        keys = ", ".join(f"`{k}` {u:g}" for k, u in r["moved"][:top])
        more = f" (+{len(r['moved']) - top} more)" if len(r["moved"]) > top else ""
        claims_changed = ", ".join(f"{c}: {a} -> {b}" for c, a, b in r["claims"]) or "none"
        out.append(f"| {r['bug']} | {r['kind']} | {r['notebooks']} | "
                   f"{'yes' if r['flagged'] else '**no**'} | {keys or 'none'}{more} | "
                   f"{claims_changed} |")
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clean", required=True, help="a finished smoke run with a baseline seed")
    ap.add_argument("--only", nargs="*", default=None, help="bug names (default: all)")
    ap.add_argument("--json", default=None, help="also write the rows as JSON here")
    args = ap.parse_args()
    rows = []
    for plant in PLANTS:
        if args.only and plant.name not in args.only:
            continue
        with tempfile.TemporaryDirectory(prefix="plant-") as tmp:
            rows.append(run_plant(plant, Path(args.clean).resolve(), Path(tmp)))
        print(f"{plant.name}: {'flagged' if rows[-1].get('flagged') else rows[-1]}",
              file=sys.stderr, flush=True)
    print(markdown(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
