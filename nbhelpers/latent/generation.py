"""Faces from drawn latent vectors: decode per sampler, measure realism, attribute arithmetic.

Generated images are turned into features batch by batch and dropped; only a few previews per
sampler are kept, so evaluating seven samplers at 96x96 stays within a few hundred MB.
"""

from __future__ import annotations

import numpy as np

from . import metrics, sampling


def _to_uint8(x: np.ndarray) -> np.ndarray:
    return (np.clip(np.asarray(x), 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def decode(decoder, z: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """uint8 images decoded from ``z``."""
    return _to_uint8(decoder.predict(np.asarray(z, np.float32), batch_size=batch_size, verbose=0))


def evaluate_images(features: metrics.PixelPCA, real, images, k: int = 5) -> dict:
    return metrics.realism(features, real, images, k).as_dict()


def evaluate(decoder, samplers: dict[str, sampling.Sampler], features: metrics.PixelPCA,
             real_images, n: int, seed: int = 0, k: int = 5, prefix: str = "ae/",
             preview: int = 8, progress: bool = True) -> tuple[dict, dict]:
    """Realism of each fitted sampler's decoded faces: ({prefix+name: {precision, recall,
    frechet}}, {name: ``preview`` uint8 faces})."""
    from tqdm.auto import tqdm

    table, previews = {}, {}
    for name, s in tqdm(samplers.items(), desc="samplers", disable=not progress):
        images = decode(decoder, s.sample(n, seed))
        table[prefix + name] = evaluate_images(features, real_images, images, k)
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
