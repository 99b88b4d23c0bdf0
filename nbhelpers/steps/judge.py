"""The run's realism judge (``latent.metrics.RealismScorer``), fitted once per run.

Notebooks 05, 06 and 08 score faces against the same held-out faces in the same feature space
(whitened pixel PCA of up to 5,000 training faces). The first of them fits the judge and keeps
its arrays (the PCA, the held-out faces' features and their k-NN radii) in ``models/
realism_judge.npz``, registered in the manifest with the settings they came from; a later
notebook whose settings, split and data match reads them instead of fitting again. It is a
cache, not an input: when it is missing, damaged or fitted with other settings, the judge is
fitted again and the file replaced.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import numpy as np

from .. import config
from ..data import Dataset
from ..latent.metrics import RealismScorer
from ..store import ArtifactError, Files, RunDir
from .dataset import split

JUDGE = Files.JUDGE
FEATURE_IMAGES = 5_000  # training faces the pixel PCA is fitted on


@dataclass
class RealismTable:
    """The realism table ({row: {precision, recall, density, coverage, frechet}}) and a few faces
    per sampler (or per model): what notebooks 05, 06 and 08 record and draw."""

    table: dict[str, dict]
    previews: dict[str, np.ndarray] = field(default_factory=dict)


def _digest(rows: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(rows, dtype=np.int64).tobytes()).hexdigest()[:16]


def _cached(run: RunDir, key: dict, cfg: config.Profile) -> RealismScorer | None:
    try:
        run.verify(JUDGE)  # not an input (nothing needs it): read unlogged, absent is fine
    except (ArtifactError, ValueError, OSError):
        return None
    with np.load(run.path / JUDGE) as saved:
        if json.loads(str(saved["key"])) != key:
            return None
        return RealismScorer.from_state(saved, cfg.realism_k, cfg.seed)


def judge(cfg: config.Profile, run: RunDir, ds: Dataset) -> RealismScorer:
    """The run's fitted ``RealismScorer``: read from ``JUDGE`` when it was fitted with these
    settings on these rows of this data set, else fitted (``FEATURE_IMAGES`` training faces for
    the features, every held-out face as the real reference) and saved there."""
    train_idx, val_idx = split(cfg, ds)
    train_rows = train_idx[:FEATURE_IMAGES]
    key = {"k": cfg.realism_k, "seed": cfg.seed, "data": ds.source, "shape": list(ds.shape),
           "train_rows": _digest(train_rows), "real_rows": _digest(val_idx)}
    scorer = _cached(run, key, cfg)
    if scorer is None:
        scorer = RealismScorer(cfg.realism_k, random_state=cfg.seed).fit(ds.take(train_rows),
                                                                         ds.take(val_idx))
        run.save_file(JUDGE, lambda p: np.savez(p, key=json.dumps(key), **scorer.state()),
                      suffix=".npz", source=ds.source)
    return scorer
