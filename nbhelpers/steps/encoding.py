"""The encoding step: every image of the run's cache into float32 z-points in the run directory.

The images stream in batches (``models.encode_batches``); the z-points go to the .npy file with
plain sequential writes (``RunDir.array_writer``), atomically: the file appears only when complete.
"""

from __future__ import annotations

import contextlib

import numpy as np

from ..data import Dataset
from ..models.predict import encode_batches, z_dim_of
from ..store import Files, RunDir
from .artifacts import analysed_z


def encode(encoder, dataset: Dataset, run: RunDir, rel: str = Files.Z_AE,
           batch_size: int = 256, logvar_rel: str | None = None, progress: bool = True) -> np.ndarray:
    """Encode every image of ``dataset`` into ``rel`` (float32 N, z_dim); returns it memory-mapped.

    A variational encoder returns [mu, logvar]: mu goes to ``rel`` and logvar to ``logvar_rel``
    (default: ``rel`` with "z_" replaced by "logvar_")."""
    z_dim, variational = z_dim_of(encoder)
    n = len(dataset)
    if variational and logvar_rel is None:
        logvar_rel = rel.replace("z_", "logvar_") if "z_" in rel else rel.replace(".npy", "_lv.npy")
    rels = [rel, logvar_rel] if variational else [rel]
    with contextlib.ExitStack() as stack:  # both files appear only when both are complete
        writers = [stack.enter_context(run.array_writer(r, (n, z_dim), "float32",
                                                        source=dataset.source)) for r in rels]
        for outs in encode_batches(encoder, dataset.images, batch_size, progress,
                                   desc=f"encoding {rel}"):
            for writer, out in zip(writers, outs, strict=True):
                writer.write(out)
    return run.load_array(rel, mmap=True, check_hash=False)  # hashed a moment ago


def load_z(run: RunDir, rel: str | None = None) -> np.ndarray:
    """The z-points ``rel`` of the run (checked against the manifest); by default the z-points
    notebooks 02-04 analyse (``artifacts.analysed_z``): the series AE's (``latent/z_ae.npy``), or
    your own in a run of external z-points (``latent/z_given.npy``, which ``run --z`` copied
    there through ``external.register``)."""
    return run.load_array(rel or analysed_z(run))
