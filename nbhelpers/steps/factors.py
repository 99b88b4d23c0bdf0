"""Notebook 07's step: the known factors of the synthetic faces against the latent spaces.

- ``factor_matrix``: the factors that drew each face (synthetic: 20 continuous factors and
  glasses), or CelebA's 40 attributes;
- ``probe``: linear probes, DCI and MIG of a latent space against them (``latent.factors.probe_factors``);
- ``gaussian_question``: the blog's question whether Gaussian z-distributions mirror Gaussian
  features of the data, as an experiment: two small AEs trained the same way, one on faces with
  normal factors (the run's own images) and one on faces whose factors are uniform with the same
  mean and variance; how Gaussian their z axes and PCA components are, beside the factors.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .. import config, resources
from ..data import Dataset, images_for_training
from ..latent import normality
from ..latent.factors import FactorProbe, probe_factors
from ..latent.pca import LatentPCA
from ..models import parts
from ..models.predict import encode_means
from ..store import RunDir
from .artifacts import is_external
from .dataset import build, open_dataset, split
from .encoding import load_z
from .external import LABELS
from .training import train


@dataclass
class Factors:
    names: list[str]
    values: np.ndarray  # (N, K) float
    kind: str  # "synthetic factors" or "CelebA attributes"


def factor_matrix(ds: Dataset) -> Factors:
    """The labels of a data set as one (N, K) matrix; ValueError when it has none."""
    if not ds.labels:
        raise ValueError(f"the data set {ds.path} has no factors or attributes beside it "
                         "(expected <cache>.factors.npz or <cache>.attrs.npy)")
    names = list(ds.labels)
    kind = "CelebA attributes" if "CelebA" in ds.source else "synthetic factors"
    return Factors(names, np.column_stack([np.asarray(ds.labels[k], np.float64) for k in names]),
                   kind)


def load_truth(run: RunDir) -> Factors:
    """The factors behind the run's z-points: the labels beside its image cache, or, for
    external z-points (``steps.external``), the labels given with them."""
    if is_external(run):
        names = run.load_json("data.json").get("labels")
        if not names:
            raise ValueError("this run of external z-points has no labels (run with --labels)")
        return Factors(list(names), run.load_array(LABELS).astype(np.float64), "external labels")
    return factor_matrix(open_dataset(run))


def latent_spaces(run: RunDir) -> dict[str, np.ndarray]:
    """The latent spaces a run holds: the AE's z and the VAE's mu (external z-points: the one
    space given)."""
    if is_external(run):
        return {"z": load_z(run)}
    return {"AE": load_z(run), "VAE": load_z(run, "latent/z_vae.npy")}


def probes(cfg: config.Profile, run: RunDir, factors: Factors) -> dict[str, FactorProbe]:
    """``probe`` of every latent space of ``latent_spaces``; recorded as ``probe_ae`` and
    ``probe_vae`` (``probe_z`` for external z-points)."""
    return {name: probe(cfg, run, z, factors, name.lower())
            for name, z in latent_spaces(run).items()}


def probe(cfg: config.Profile, run: RunDir, z: np.ndarray, factors: Factors,
          label: str) -> FactorProbe:
    """Probes, DCI and MIG of ``z`` against the factors; recorded as ``probe_<label>`` (summary
    and per-factor table)."""
    p = probe_factors(z, factors.values, factors.names, seed=cfg.seed, max_points=cfg.mig_points)
    run.record(f"probe_{label}", {**p.summary(), "factors": p.table()})
    return p


def _rows(z: np.ndarray, factors: np.ndarray | None, seed: int) -> dict:
    """Gaussianity of the z axes, the PCA components (on the same points) and the factors."""
    out = {"z axes": normality.summary(normality.gaussianity(z, seed=seed)),
           "PCA components": normality.summary(
               normality.gaussianity(LatentPCA().fit(z).transform(z), seed=seed))}
    if factors is not None:
        out["factors"] = normality.summary(normality.gaussianity(factors, seed=seed))
    return out


def _answer(n: dict, u: dict, carried: float) -> str:
    """The one-sentence answer, with its numbers."""
    verdict = ("Gaussian latent distributions do not come from Gaussian factors"
               if carried < 0.5 else "the z-distribution follows the factors' distribution")
    how = (f"{carried:.0%} of the factors' departure from a normal reached the PCA components"
           if carried > 0 else "none of the factors' departure from a normal reached the PCA "
           "components, which came out closer to normal than before")
    return (f"With uniform instead of normal factors (median KS distance to a normal "
            f"{u['factors']['ks_median']:.3f} against {n['factors']['ks_median']:.3f}), the AE's "
            f"PCA components went from KS {n['PCA components']['ks_median']:.3f} to "
            f"{u['PCA components']['ks_median']:.3f} and its z axes from "
            f"{n['z axes']['ks_median']:.3f} to {u['z axes']['ks_median']:.3f}: {how}; "
            f"{verdict}.")


@dataclass
class GaussianQuestion:
    table: dict | None  # {"normal"|"uniform": {"factors"|"z axes"|"PCA components": summary}}
    answer: str  # one sentence with its numbers, or why the experiment was skipped


def gaussian_question(cfg: config.Profile, run: RunDir, factors: Factors,
                      progress: bool = True) -> GaussianQuestion:
    """Train two AEs the same way (``factor_images`` images, ``factor_epochs`` epochs): one on the
    run's faces (normal factors), one on faces drawn with uniform factors; compare how Gaussian
    their z axes and PCA components are (KS distance to the fitted normal, excess kurtosis) beside
    the continuous factors themselves. Recorded as ``gaussian_question`` with a one-sentence
    answer; skipped (and recorded as such) on CelebA, whose factor distribution cannot be
    swapped, and on external z-points, whose data the series cannot redraw."""
    if factors.kind != "synthetic factors":
        why = ("skipped on CelebA: the distribution of the features behind real faces cannot be "
               "swapped for a uniform one" if factors.kind == "CelebA attributes" else
               "skipped for external z-points: the experiment redraws the faces with uniform "
               "factors, which needs the series' face generator")
        run.record("gaussian_question", {"skipped": why})
        return GaussianQuestion(None, why)
    ds = open_dataset(run)
    continuous = [k for k, n in enumerate(factors.names) if n != "glasses"]
    uniform_cfg = dataclasses.replace(cfg, factor_distribution="uniform", n_images=max(
        images_for_training(cfg.factor_images, cfg.val_fraction), 64))
    uniform_ds = build(uniform_cfg, progress)
    uniform_factors = factor_matrix(uniform_ds).values[:, continuous]
    table, cycles = {}, resources.MemoryCycles()
    for label, data, f in (("normal", ds, factors.values[:, continuous]),
                           ("uniform", uniform_ds, uniform_factors)):
        result = train(cfg, run, data, "ae", name=f"ae_{label}_factors",
                       epochs=cfg.factor_epochs, images=cfg.factor_images, keep=False)
        idx = split(cfg, data)[0][:cfg.factor_images]  # the rows the model trained on
        z = encode_means(parts(result.model)[0], data.take(np.sort(idx)))
        table[label] = {**_rows(z, f[np.sort(idx)], cfg.seed),
                        "val_loss": round(float(result.history["val_loss"][-1]), 5)}
        del result
        cycles.after(f"ae_{label}_factors")  # the Colab cycle: clear, collect, RSS recorded
    run.record("memory_cycles", cycles.rows)
    n, u = table["normal"], table["uniform"]
    carried = normality.carried_share(n, u)
    answer = _answer(n, u, carried)
    out = {"table": table, "carried_share": round(float(carried), 4), "answer": answer,
           "images": cfg.factor_images, "epochs": cfg.factor_epochs}
    run.record("gaussian_question", out)
    return GaussianQuestion(table, answer)
