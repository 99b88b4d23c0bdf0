"""Notebook 07's step: the known factors or labels of the faces against the latent spaces.

- ``load_truth``: the factors that drew each synthetic face (20 continuous factors and glasses),
  the photos' labels (CelebA's 40 binary attributes, or a labels CSV), or the labels given with
  external z-points;
- ``probe``: linear probes (regressions for continuous factors, classifiers for binary ones),
  DCI and MIG of a latent space against them (``latent.factors.probe_factors``);
- ``attribute_arithmetic``: attribute vectors added to held-out faces' z in steps, decoded,
  encoded again and scored by a probe of the attribute (``latent.attributes``);
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
from ..keys import Factors, Key, Shared
from ..latent import normality
from ..latent.attributes import attribute_direction, attribute_masks, attribute_steps
from ..latent.factors import FactorProbe, probe_factors
from ..latent.pca import LatentPCA
from ..models import decode, parts
from ..models.predict import encode_means
from ..store import Files, RunDir
from .artifacts import data_info, is_external, load_model
from .dataset import build, open_dataset, split
from .encoding import load_z
from .training import train

SYNTHETIC, PHOTOS, EXTERNAL = "synthetic factors", "photo labels", "external labels"


@dataclass
class Truth:
    names: list[str]
    values: np.ndarray  # (N, K) float
    kind: str  # SYNTHETIC, PHOTOS or EXTERNAL
    source: str = ""  # where they came from (data.json's labels source)


def factor_matrix(ds: Dataset) -> Truth:
    """The factors that drew a synthetic-face data set as one (N, K) matrix; ValueError when the
    cache has none."""
    if not ds.labels:
        raise ValueError(f"the data set {ds.path} has no factors beside it (expected "
                         "<cache>.factors.npz)")
    names = list(ds.labels)
    return Truth(names, np.column_stack([np.asarray(ds.labels[k], np.float64) for k in names]),
                   SYNTHETIC, "the factors that drew each face")


def load_truth(run: RunDir) -> Truth:
    """The factors behind the run's z-points: the synthetic faces' factors beside the image
    cache, or the labels the run keeps (``labels.npy``: the photos' labels, or those given with
    external z-points). ValueError saying how to give labels when there are none."""
    info = data_info(run.path)
    if info.get("kind") == "synthetic":
        return factor_matrix(open_dataset(run))
    labels = info.get("labels")
    if not labels:
        how = ("run with --labels" if is_external(run) else "give --labels labels.csv (a "
               "'file' column and one numeric column per factor) or put CelebA's "
               "list_attr_celeba.txt beside the photos")
        raise ValueError(f"this run has no labels for its {info.get('kind')} data: {how}")
    kind = EXTERNAL if is_external(run) else PHOTOS
    return Truth(list(labels["names"]), run.load_array(Files.LABELS).astype(np.float64), kind,
                   labels.get("source", ""))


def latent_spaces(run: RunDir) -> dict[str, np.ndarray]:
    """The latent spaces a run holds: the AE's z and the VAE's mu (external z-points: the one
    space given)."""
    if is_external(run):
        return {"z": load_z(run)}
    return {"AE": load_z(run), "VAE": load_z(run, Files.Z_VAE)}


PROBE_KEYS = {"AE": Factors.PROBE_AE, "VAE": Factors.PROBE_VAE, "z": Factors.PROBE_Z}


def probes(cfg: config.Profile, run: RunDir, factors: Truth) -> dict[str, FactorProbe]:
    """``probe`` of every latent space of ``latent_spaces``; recorded as ``probe_ae`` and
    ``probe_vae`` (``probe_z`` for external z-points)."""
    return {name: probe(cfg, run, z, factors, PROBE_KEYS[name])
            for name, z in latent_spaces(run).items()}


def probe(cfg: config.Profile, run: RunDir, z: np.ndarray, factors: Truth,
          key: Key) -> FactorProbe:
    """Probes, DCI and MIG of ``z`` against the factors; recorded as ``key`` (summary and
    per-factor table)."""
    p = probe_factors(z, factors.values, factors.names, seed=cfg.seed, max_points=cfg.mig_points)
    run.record(key, {**p.summary(), "factors": p.table()})
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


def gaussian_question(cfg: config.Profile, run: RunDir, factors: Truth,
                      progress: bool = True) -> GaussianQuestion:
    """Train two AEs the same way (``factor_images`` images, ``factor_epochs`` epochs): one on the
    run's faces (normal factors), one on faces drawn with uniform factors; compare how Gaussian
    their z axes and PCA components are (KS distance to the fitted normal, excess kurtosis) beside
    the continuous factors themselves. Recorded as ``gaussian_question`` with a one-sentence
    answer; skipped (and recorded as such) on photos, whose factor distribution cannot be
    swapped, and on external z-points, whose data the series cannot redraw."""
    if factors.kind != SYNTHETIC:
        why = ("skipped on photos: the distribution of the features behind real faces cannot "
               "be swapped for a uniform one" if factors.kind == PHOTOS else
               "skipped for external z-points: the experiment redraws the faces with uniform "
               "factors, which needs the series' face generator")
        run.record(Factors.GAUSSIAN_QUESTION, {"skipped": why})
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
    run.record(Shared.MEMORY_CYCLES, cycles.rows)
    n, u = table["normal"], table["uniform"]
    carried = normality.carried_share(n, u)
    answer = _answer(n, u, carried)
    out = {"table": table, "carried_share": round(float(carried), 4), "answer": answer,
           "images": cfg.factor_images, "epochs": cfg.factor_epochs}
    run.record(Factors.GAUSSIAN_QUESTION, out)
    return GaussianQuestion(table, answer)


@dataclass(frozen=True)
class Arithmetic:
    """Attribute arithmetic (``attribute_arithmetic``): the decoded faces per attribute and face
    (a row of ``steps``), and per attribute the probe's mean probability of the attribute on the
    faces decoded and encoded again, step by step."""

    steps: tuple[float, ...]
    rows: dict[str, np.ndarray]  # "+ Smiling (face 1)" -> (len(steps), H, W, 3) uint8
    probability: dict[str, list[float]]


def attribute_arithmetic(cfg: config.Profile, run: RunDir, factors: Truth,
                         faces: int = 32, shown: int = 2,
                         steps: tuple[float, ...] = (0.0, 0.5, 1.0, 1.5, 2.0)) -> Arithmetic:
    """Add each attribute's vector (``latent.attributes``, from the AE's z of the training
    images) in ``steps`` to the z of ``faces`` held-out faces without the attribute, decode with
    the AE, encode the faces again and score them with a logistic probe of the attribute
    (trained on the training images' z). Recorded as ``attribute_arithmetic``: per attribute the
    mean probability at each step, its ``rise`` from the first step to the last, the probe's
    held-out AUC and the faces used; ``rise_median`` over the attributes. For external
    z-points (no decoder of the series) recorded as skipped."""
    if is_external(run):
        why = "skipped for external z-points: the arithmetic decodes and encodes with the series' AE"
        run.record(Factors.ATTRIBUTE_ARITHMETIC, {"skipped": why})
        return Arithmetic(tuple(steps), {}, {})
    ds = open_dataset(run)
    train_idx, val_idx = split(cfg, ds)
    z = load_z(run)
    encoder, decoder = parts(load_model(run, Files.AE))
    rows, prob, record = {}, {}, {}
    for name, mask in attribute_masks(factors.names, factors.values).items():
        direction = attribute_direction(z[train_idx], mask[train_idx], name, seed=cfg.seed)
        start = val_idx[~mask[val_idx]][:faces]
        if len(start) < 2:
            continue
        shifted = attribute_steps(z[start], direction.vector, steps)  # (steps, m, D)
        images = decode(decoder, shifted.reshape(-1, shifted.shape[-1]))
        p = direction.probability(encode_means(encoder, images)).reshape(len(steps), len(start))
        prob[name] = [round(float(v), 4) for v in p.mean(axis=1)]
        record[name] = {"probability": prob[name], "rise": round(prob[name][-1] - prob[name][0], 4),
                        "probe_auc": round(direction.auc, 4), "faces": len(start),
                        "share_with": round(float(mask.mean()), 4)}
        by_face = images.reshape(len(steps), len(start), *images.shape[1:])
        for i in range(min(shown, len(start))):
            rows[f"+ {name} ({i + 1})"] = by_face[:, i]
    rises = [r["rise"] for r in record.values()]
    run.record(Factors.ATTRIBUTE_ARITHMETIC, {
        "steps": list(steps), "attributes": record,
        "rise_median": round(float(np.median(rises)), 4) if rises else None})
    return Arithmetic(tuple(steps), rows, prob)
