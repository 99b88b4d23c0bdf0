"""Notebook 06's step: samplers fitted on the AE's z-points, decoded faces, their realism.

Decoded and reconstructed faces come one batch at a time as uint8 (``models.decode`` and
``models.reconstruct``, a quarter of float32); the real reference set is turned into features
once; only a few previews per sampler are kept. Measured on the celeba plan (16,277 held-out faces,
5,000 per sampler), this keeps notebook 06's peak RSS within Colab's RAM (README).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import config
from ..data import Dataset
from ..latent import metrics, sampling
from ..latent.pca import LatentPCA
from ..models import decode, parts, reconstruct
from ..store import RunDir
from .artifacts import load_model
from .dataset import open_dataset, split
from .encoding import load_z


@dataclass
class Inputs:
    """What notebook 06 reads from the run: images, z-points, the split and the trained models."""

    dataset: Dataset
    z: np.ndarray
    train_idx: np.ndarray
    val_idx: np.ndarray
    ae: object
    decoder: object
    vae_decoder: object


@dataclass
class Realism:
    """The realism table ({row: {precision, recall, frechet}}) and a few faces per sampler."""

    table: dict[str, dict]
    previews: dict[str, np.ndarray] = field(default_factory=dict)


def load_inputs(cfg: config.Profile, run: RunDir) -> Inputs:
    ds = open_dataset(run)
    train_idx, val_idx = split(cfg, ds)
    ae = load_model(run, "models/ae.keras")
    vae = load_model(run, "models/vae.keras")
    return Inputs(ds, load_z(run), train_idx, val_idx, ae, parts(ae)[1], vae.decoder)


def fit_samplers(cfg: config.Profile, inputs: Inputs) -> dict[str, sampling.Sampler]:
    """Every sampler of the blog's progression, fitted on the training images' z-points."""
    samplers = sampling.standard_set(cfg.confine_sigma, cfg.gmm_components, cfg.seed,
                                     cfg.gmm_max_points)
    return sampling.fit_all(samplers, inputs.z[inputs.train_idx])


def realism(cfg: config.Profile, run: RunDir, inputs: Inputs,
            samplers: dict[str, sampling.Sampler], preview: int = 8,
            progress: bool = True) -> Realism:
    """Precision, recall and Frechet distance of each sampler's decoded faces, of the VAE's faces
    from N(0, I), and of reconstructions (the reference), against the held-out faces in whitened
    pixel-PCA features fitted on training faces; recorded as ``realism``."""
    from tqdm.auto import tqdm

    ds, k, n = inputs.dataset, cfg.realism_k, cfg.n_generate
    features = metrics.PixelPCA(seed=cfg.seed).fit(ds.take(inputs.train_idx[:5000]))
    real = ds.take(inputs.val_idx)
    real_features = features.transform(real)

    def score(images) -> dict:
        return metrics.realism_features(real_features, features.transform(images), k).as_dict()

    out = Realism({})
    for name, s in tqdm(samplers.items(), desc="samplers", disable=not progress):
        images = decode(inputs.decoder, s.sample(n, cfg.seed))
        out.table[f"ae/{name}"] = score(images)
        out.previews[name] = images[:preview]
    vae_faces = decode(inputs.vae_decoder, sampling.standard_normal(n, cfg.z_dim, cfg.seed + 1))
    out.table["vae/normal"] = score(vae_faces)
    out.previews["VAE N(0, I)"] = vae_faces[:preview]
    out.table["reconstruction"] = score(reconstruct(inputs.ae, real[:n]))
    run.record("realism", out.table)
    return out


def attribute_rows(inputs: Inputs, steps=(0.0, 0.5, 1.0, 1.5, 2.0)) -> dict[str, np.ndarray]:
    """For each attribute with a mask: faces decoded from a held-out face's z plus the attribute
    vector in ``steps``; then a morph between two held-out faces."""
    z, start = inputs.z, int(inputs.val_idx[0])
    rows = {}
    for name, mask in sampling.attribute_masks(inputs.dataset.labels).items():
        vec = sampling.attribute_vector(z, mask)
        rows[f"+ {name}"] = decode(inputs.decoder, sampling.attribute_steps(z[start], vec, steps))
    a, b = int(inputs.val_idx[1]), int(inputs.val_idx[2])
    rows["morph"] = decode(inputs.decoder, sampling.line(z[a], z[b], 8))
    return rows


def face_pca(inputs: Inputs) -> LatentPCA:
    """The PCA of the training images' z-points that the face explorer walks along."""
    return LatentPCA().fit(inputs.z[inputs.train_idx])
