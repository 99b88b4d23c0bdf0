"""Models applied batch by batch: uint8 decodes and reconstructions, and encoding in chunks.

Each batch goes through ``predict_on_batch``, Keras' compiled predict step, one call per batch.
Never ``model.predict`` inside a Python loop: in TensorFlow every such call builds a new data
pipeline and memory grows. Decoded images are stored as uint8 batch by batch, so memory holds a
quarter of a float32 result and one float32 batch, never all of it.
"""

from __future__ import annotations

from collections.abc import Iterator

import keras
import numpy as np

from ..core.pixels import to_float01, to_uint8
from ..data.images import read_rows


def _predict_uint8(model: keras.Model, inputs, batch_size: int, prepare) -> np.ndarray:
    if len(inputs) == 0:
        raise ValueError("expected at least one input, found an empty array")
    out = None
    for s in range(0, len(inputs), batch_size):
        y = to_uint8(np.asarray(model.predict_on_batch(prepare(inputs[s:s + batch_size]))))
        if out is None:
            out = np.empty((len(inputs),) + y.shape[1:], np.uint8)
        out[s:s + len(y)] = y
    return out


def reconstruct(model: keras.Model, images, batch_size: int = 256) -> np.ndarray:
    """uint8 reconstructions of uint8 (or [0, 1] float) images through a whole AE or VAE."""
    return _predict_uint8(model, images, batch_size, to_float01)


def decode(decoder: keras.Model, z, batch_size: int = 256) -> np.ndarray:
    """uint8 images decoded from latent vectors ``z`` (n, z_dim)."""
    return _predict_uint8(decoder, z, batch_size, lambda b: np.asarray(b, np.float32))


def encode_batches(encoder: keras.Model, images: np.ndarray, batch_size: int = 256,
                   progress: bool = True, desc: str = "encoding") -> Iterator[tuple[np.ndarray, ...]]:
    """Yield, batch by batch in order, the encoder's outputs for uint8 ``images`` (N, H, W, 3):
    ``(z,)`` for an AE, ``(mu, logvar)`` for a variational Encoder, each float32 (m, z_dim).

    Every call gets a full batch (the last one padded), so the compiled step is traced once."""
    from tqdm.auto import tqdm

    n = len(images)
    x = np.zeros((batch_size, *images.shape[1:]), np.float32)
    for start in tqdm(range(0, n, batch_size), desc=desc, disable=not progress, mininterval=2.0):
        m = min(batch_size, n - start)
        to_float01(read_rows(images, np.arange(start, start + m)), out=x[:m])
        pred = encoder.predict_on_batch(x)
        outs = pred if isinstance(pred, (list, tuple)) else (pred,)
        yield tuple(np.asarray(o, np.float32)[:m] for o in outs)


def encode_means(encoder: keras.Model, images: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """The Encoder's first output for every image, without progress: z for an AE, mu for a
    variational Encoder, float32 (N, z_dim). For a subset of a data set pass ``Dataset.take``."""
    return np.concatenate([outs[0] for outs in encode_batches(encoder, images, batch_size, False)])


def z_dim_of(encoder: keras.Model) -> tuple[int, bool]:
    """(z_dim, variational) of an Encoder built by ``conv.build_encoder``."""
    outs = encoder.outputs
    return int(outs[0].shape[-1]), len(outs) == 2
