"""Faces from drawn latent vectors: decode per sampler, measure realism, attribute arithmetic.

Decoded and reconstructed faces come one batch at a time as uint8 (``models.decode`` and
``models.reconstruct``, a quarter of float32); the real reference set is turned into features
once; features are computed batch by batch; only a few previews per sampler are kept. Measured on
the celeba plan (16,277 held-out faces, 5,000 per sampler), this brought notebook 06's peak RSS
from 14.5 GB, more than Colab has, to the figure in the README.
"""

from __future__ import annotations

import numpy as np

from ..models.autoencoder import decode
from . import metrics, sampling


def evaluate_images(features: metrics.PixelPCA, real_features: np.ndarray, images, k: int = 5) -> dict:
    """Realism of ``images`` against real faces given as features (``features.transform``)."""
    return metrics.realism_features(real_features, features.transform(images), k).as_dict()


def evaluate(decoder, samplers: dict[str, sampling.Sampler], features: metrics.PixelPCA,
             real_features: np.ndarray, n: int, seed: int = 0, k: int = 5, prefix: str = "ae/",
             preview: int = 8, progress: bool = True) -> tuple[dict, dict]:
    """Realism of each fitted sampler's decoded faces against the real faces' features: ({prefix+
    name: {precision, recall, frechet}}, {name: ``preview`` uint8 faces})."""
    from tqdm.auto import tqdm

    table, previews = {}, {}
    for name, s in tqdm(samplers.items(), desc="samplers", disable=not progress):
        images = decode(decoder, s.sample(n, seed))
        table[prefix + name] = evaluate_images(features, real_features, images, k)
        previews[name] = images[:preview]
    return table, previews


def attribute_strips(decoder, z: np.ndarray, labels: dict, start: int,
                     steps=(0.0, 0.5, 1.0, 1.5, 2.0)) -> dict[str, np.ndarray]:
    """For each attribute with a mask: faces decoded from z[start] + s * attribute vector."""
    out = {}
    for name, mask in sampling.attribute_masks(labels).items():
        vec = sampling.attribute_vector(z, mask)
        out[f"+ {name}"] = decode(decoder, sampling.attribute_steps(z[start], vec, steps))
    return out


def morph(decoder, z: np.ndarray, a: int, b: int, steps: int = 8) -> np.ndarray:
    return decode(decoder, sampling.line(z[a], z[b], steps))


def pca_walks(decoder, pca, axes=(0, 1, 2), steps: int = 9, span: float = 3.0) -> dict[str, np.ndarray]:
    return {f"PCA {a}": decode(decoder, sampling.pca_walk(pca, a, steps, span)) for a in axes}
