"""Notebook 03's step: t-SNE maps of the z-points, and linear plane projections with zooms."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import config
from ..latent.pca import LatentPCA
from ..latent.planes import ZoomPanel, zoom_panels
from ..latent.tsne import TSNEResult, tsne_series
from ..store import RunDir


def tsne_maps(cfg: config.Profile, run: RunDir, z: np.ndarray,
              progress: bool = True) -> list[TSNEResult]:
    """t-SNE of raw z at the profile's sizes, then of its leading PCA components; each run's
    size, input, settings, time and KL recorded as ``tsne_runs``."""
    runs = tsne_series(z, sizes=cfg.tsne_sizes, pca_components=cfg.tsne_pca_components,
                       n_pca=cfg.tsne_pca_n, perplexity=cfg.perplexity,
                       early_exaggeration=cfg.early_exaggeration, n_iter=cfg.tsne_iter,
                       seed=cfg.seed, progress=progress)
    run.record("tsne_runs", [r.record() for r in runs])
    return runs


@dataclass
class Planes:
    """PCA coordinates of all z-points and the zoom panels of two planes."""

    components: np.ndarray  # (N, d) PCA coordinates
    pca: list[ZoomPanel]
    original: list[ZoomPanel]
    broad_axes: tuple[int, int]


def planes(z: np.ndarray) -> Planes:
    """The plane of PCA axes 0 and 1 (whole, then squares of side 5, 1, 0.5 around the centre),
    and the plane of the two broadest original axes around their mean (whole, side 5)."""
    components = LatentPCA().fit(z).transform(z)
    broad = np.asarray(z).std(axis=0).argsort()[::-1][:2]
    b0, b1 = int(broad[0]), int(broad[1])
    center = tuple(np.asarray(z).mean(axis=0)[[b0, b1]])
    return Planes(components, zoom_panels(components, 0, 1),
                  zoom_panels(z, b0, b1, half_widths=(None, 2.5), center=center), (b0, b1))
