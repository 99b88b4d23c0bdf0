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
    kind: str  # data, model, loss, statistics (constant), projection (setting), sampling, probes
    file: str
    old: str
    new: str
    notebooks: str  # what to re-run, e.g. "01" or "04"


PLANTS = (
    Plant("validation images leak into training", "data", "nbhelpers/data/images.py",
          "return np.sort(perm[n_val:]), np.sort(perm[:n_val])",
          "return np.sort(perm), np.sort(perm[:n_val])", "01"),
    Plant("pixels fed at 0-255 instead of 0-1", "data", "nbhelpers/models/batches.py",
          "x = to_float01(rows)  #", "x = to_float01(rows) * 255.0  #", "01"),
    Plant("a fifth of the images held out where a tenth should be", "data",
          "nbhelpers/data/images.py", "else int(round(n * val_fraction))",
          "else int(round(n * 2 * val_fraction))", "01"),
    Plant("factor table one row off its images", "data", "nbhelpers/steps/ground_truth.py",
          "np.column_stack([np.asarray(ds.labels[k], np.float64) for k in names]),",
          "np.roll(np.column_stack([np.asarray(ds.labels[k], np.float64) for k in names]), 1, 0),",
          "07"),
    Plant("Decoder output: relu instead of sigmoid", "model", "nbhelpers/models/conv.py",
          'activation="sigmoid", dtype="float32", name="image"',
          'activation="relu", dtype="float32", name="image"', "01"),
    Plant("KL term dropped from the VAE loss", "loss", "nbhelpers/models/vae.py",
          "self.add_loss(self.weight * kl)", "self.add_loss(0.0 * kl)", "05,08"),
    Plant("VAE reconstruction loss a mean, not a sum over pixels", "loss",
          "nbhelpers/models/vae.py", "rec = ops.mean(self._rec_fn(y, y_pred)) * pixels",
          "rec = ops.mean(self._rec_fn(y, y_pred))", "05"),
    Plant("histogram centres one bin off", "statistics", "nbhelpers/latent/density.py",
          "return Histogram(0.5 * (edges[:-1] + edges[1:]), counts, width)",
          "return Histogram(0.5 * (edges[:-1] + edges[1:]) + width, counts, width)", "02"),
    Plant("radius without the square root", "statistics", "nbhelpers/latent/density.py",
          "radius = np.linalg.norm(z.astype(np.float64), axis=1)",
          "radius = (z.astype(np.float64) ** 2).sum(axis=1)", "02"),
    Plant("FWHM per sigma 15 % off (a statistic's constant)", "statistics constant",
          "nbhelpers/latent/scale.py", "FWHM_PER_SIGMA = 2.0 * np.sqrt(2.0 * np.log(2.0))",
          "FWHM_PER_SIGMA = 0.85 * 2.0 * np.sqrt(2.0 * np.log(2.0))", "02"),
    Plant("trimming at fact x sigma instead of fact x FWHM", "statistics",
          "nbhelpers/latent/density.py", "self.fwhm_ = FWHM_PER_SIGMA * self.sigmas_",
          "self.fwhm_ = self.sigmas_", "04"),
    Plant("ellipse test against n sigma, not its square", "statistics constant",
          "nbhelpers/latent/ellipses.py", "return float(np.mean(m2 <= n_sigma**2))",
          "return float(np.mean(m2 <= n_sigma))", "04"),
    Plant("Pearson check on the covariance, not the correlation", "statistics",
          "nbhelpers/latent/correlation.py", "    r = pearson(x)\n",
          "    r = np.cov(np.asarray(x, np.float64), rowvar=False)\n", "04"),
    Plant("PCA target 90 % where the blog's is 80 %", "projection setting",
          "nbhelpers/latent/pca.py", "target: float = 0.8)", "target: float = 0.9)", "04"),
    Plant("t-SNE perplexity ignored (always 30)", "projection setting",
          "nbhelpers/latent/tsne.py",
          "emb = openTSNE.TSNE(perplexity=perplexity, early_exaggeration=early_exaggeration,",
          "emb = openTSNE.TSNE(perplexity=30.0, early_exaggeration=early_exaggeration,", "03"),
    Plant("Gaussian reference drawn with N(0, I) instead of z's covariance", "projection",
          "nbhelpers/latent/voids.py", "mean, cov = z.mean(axis=0), np.cov(z, rowvar=False)",
          "mean, cov = z.mean(axis=0), np.eye(z.shape[1])", "03"),
    Plant("void cells of 10 reference points where 5 are asked", "projection setting",
          "nbhelpers/latent/voids.py", "    side = max(2, int(np.sqrt(inside / per_cell)))",
          "    side = max(2, int(np.sqrt(inside / (2 * per_cell))))", "03"),
    Plant("MVN sampler fitted on the diagonal covariance", "sampling",
          "nbhelpers/latent/sampling.py", "self.cov_ = np.cov(z, rowvar=False)",
          "self.cov_ = np.diag(np.var(z, axis=0))", "06"),
    Plant("N(0, I) draws with sigma 2", "sampling", "nbhelpers/latent/sampling.py",
          "        return rng.standard_normal((n, self.z_dim_))\n",
          "        return 2.0 * rng.standard_normal((n, self.z_dim_))\n", "06"),
    Plant("mixture sampler with one component whatever k", "sampling",
          "nbhelpers/latent/sampling.py", "self.gmm_ = GaussianMixture(self.k, covariance_type",
          "self.gmm_ = GaussianMixture(1, covariance_type", "06"),
    Plant("probe AUC of the wrong class", "factor probes", "nbhelpers/latent/factors.py",
          "auc[k] = roc_auc_score(y[test], prob)", "auc[k] = roc_auc_score(y[test], 1 - prob)",
          "07"),
    Plant("MIG gap not divided by the factor's entropy", "factor probes",
          "nbhelpers/latent/factors.py", "gaps = (top[0] - second)[keep] / entropy[keep]",
          "gaps = (top[0] - second)[keep]", "07"),
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
    from nbhelpers import regression, store

    tree = plant_tree(plant, where)
    run = where / "run"
    shutil.copytree(clean, run)
    seed = store.read_results(clean)["environment"]["seed"]
    env = {**os.environ, "PYTHONPATH": str(tree)}
    proc = subprocess.run([sys.executable, "-m", "nbhelpers", "run", "--profile", "smoke",
                           "--only", plant.notebooks, "--no-estimate", "--run-dir", str(run), "--set",
                           f"seed={seed}"], cwd=tree, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"bug": plant.name, "error": (proc.stdout + proc.stderr)[-1500:]}
    _, drift, _, _ = regression.check(run, ROOT / "baselines" / "smoke.json")
    moved = sorted(drift.moved, key=lambda m: -m.units)
    return {"bug": plant.name, "kind": plant.kind, "notebooks": plant.notebooks,
            "flagged": not drift.ok, "moved": [(m.key, round(m.units, 1)) for m in moved],
            "self_checks": drift.self_checks, "claims": drift.claims_changed}


def markdown(rows: list[dict], top: int = 3) -> str:
    out = ["| bug | kind | re-run | flagged | keys moved (farthest first, in tolerances) | "
           "self-checks departed | claims changed |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        if "error" in r:
            out.append(f"| {r['bug']} | | | error | {r['error'][-200:]!r} | | |")
            continue
        keys = ", ".join(f"`{k}` {u:g}" for k, u in r["moved"][:top])
        more = f" (+{len(r['moved']) - top} more)" if len(r["moved"]) > top else ""
        claims_changed = ", ".join(f"{c}: {a} -> {b}" for c, a, b in r["claims"]) or "none"
        checks = ", ".join(f"`{c.split(':')[1].strip()}`" for c in r["self_checks"]) or "none"
        out.append(f"| {r['bug']} | {r['kind']} | {r['notebooks']} | "
                   f"{'yes' if r['flagged'] else '**no**'} | {keys or 'none'}{more} | "
                   f"{checks} | {claims_changed} |")
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clean", required=True, help="a finished smoke run with a baseline seed")
    ap.add_argument("--only", nargs="*", default=None, help="bug names (default: all)")
    ap.add_argument("--json", default=None, help="also write the rows as JSON here")
    args = ap.parse_args()
    unknown = sorted(set(args.only or ()) - {p.name for p in PLANTS})
    if unknown:
        ap.error(f"--only names no planted bug: {unknown}; the bugs are: "
                 + "; ".join(p.name for p in PLANTS))
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
