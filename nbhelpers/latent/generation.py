"""Faces from drawn latent vectors: decode per sampler, measure realism, attribute arithmetic.

Decoded and reconstructed faces are made one batch at a time and kept as uint8 (a quarter of
float32); the real reference set is turned into features once; features are computed batch by
batch; only a few previews per sampler are kept. Measured on the celeba plan (16,277 held-out
faces, 5,000 per sampler), this brought notebook 06's peak RSS from 14.5 GB, more than Colab has,
to the figure in the README.
"""

from __future__ import annotations

import numpy as np

from . import metrics, sampling


def _to_uint8(x: np.ndarray) -> np.ndarray:
    return (np.clip(np.asarray(x), 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def _batched_uint8(model, inputs, batch_size: int, prepare) -> np.ndarray:
    """``model`` applied to ``inputs`` one batch at a time, each output batch stored as uint8."""
    if len(inputs) == 0:
        raise ValueError("expected at least one input, found an empty array")
    out = None
    for s in range(0, len(inputs), batch_size):
        y = _to_uint8(model.predict_on_batch(prepare(inputs[s:s + batch_size])))
        if out is None:
            out = np.empty((len(inputs),) + y.shape[1:], np.uint8)
        out[s:s + len(y)] = y
    return out


def decode(decoder, z: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """uint8 images decoded from ``z``, one batch at a time."""
    return _batched_uint8(decoder, z, batch_size, lambda b: np.asarray(b, np.float32))


def reconstruct(model, images, batch_size: int = 256) -> np.ndarray:
    """uint8 reconstructions of uint8 ``images`` through a whole AE or VAE, one batch at a time
    (``models.reconstruct`` returns float32 and is meant for a few faces in a figure)."""
    return _batched_uint8(model, images, batch_size, lambda b: np.asarray(b, np.float32) / 255.0)


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
