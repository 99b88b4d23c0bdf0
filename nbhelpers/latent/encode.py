"""Encode a whole image cache into float32 z-points, chunk by chunk.

The images stream in batches (uint8 -> float32 per batch) through ``predict_on_batch``, Keras'
compiled predict step, one call per batch; the results go straight into a memory-mapped .npy in
the run directory (atomic: the file appears only when complete). Never ``model.predict`` inside a
Python loop: in TensorFlow every such call builds a new data pipeline and memory grows.
"""

from __future__ import annotations

import contextlib

import numpy as np

from ..data.images import read_rows
from ..store import RunDir


def encode(encoder, images: np.ndarray, run: RunDir, rel: str = "latent/z_ae.npy",
           batch_size: int = 256, logvar_rel: str | None = None, source: str | None = None,
           progress: bool = True) -> np.ndarray:
    """Encode ``images`` (uint8 N,H,W,3) with ``encoder`` into ``rel`` (float32 N, z_dim).

    A variational encoder returns [mu, logvar]: mu goes to ``rel`` and logvar to ``logvar_rel``
    (default: ``rel`` with "z_" replaced by "logvar_"). Returns the z array memory-mapped.
    """
    from tqdm.auto import tqdm

    outs = encoder.outputs
    variational = len(outs) == 2
    z_dim = int(outs[0].shape[-1])
    n = len(images)
    if variational and logvar_rel is None:
        logvar_rel = rel.replace("z_", "logvar_") if "z_" in rel else rel.replace(".npy", "_lv.npy")
    with contextlib.ExitStack() as stack:  # both files appear only when both are complete
        z_out = stack.enter_context(run.array_writer(rel, (n, z_dim), "float32", source=source))
        lv_out = (stack.enter_context(run.array_writer(logvar_rel, (n, z_dim), "float32",
                                                       source=source)) if variational else None)
        for start in tqdm(range(0, n, batch_size), desc=f"encoding {rel}",
                          disable=not progress, mininterval=2.0):
            x = np.zeros((batch_size, *images.shape[1:]), np.float32)
            m = min(batch_size, n - start)
            x[:m] = read_rows(images, np.arange(start, start + m))
            x *= 1.0 / 255.0  # a full batch every time: the compiled step is traced once
            pred = encoder.predict_on_batch(x)
            if variational:
                z_out[start:start + m] = np.asarray(pred[0])[:m]
                lv_out[start:start + m] = np.asarray(pred[1])[:m]
            else:
                z_out[start:start + m] = np.asarray(pred)[:m]
    return run.load_array(rel, mmap=True, check_hash=False)  # hashed a moment ago
