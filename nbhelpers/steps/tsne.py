"""Notebook 03's step: t-SNE maps of the z-points, linear plane projections with zooms, and voids
measured against a Gaussian reference sent through the same path."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import config
from ..latent.pca import LatentPCA
from ..latent.planes import ZoomPanel, plane, zoom_panels
from ..latent.subsets import subset
from ..latent.tsne import TSNEResult, tsne_series
from ..latent.voids import VoidShare, gaussian_reference, void_share
from ..store import RunDir


@dataclass
class Maps:
    """t-SNE maps of the z-points and of their Gaussian reference, with the void measure per map."""

    runs: list[TSNEResult]
    reference: list[TSNEResult]
    voids: list[VoidShare]
    sample: np.ndarray  # the Gaussian reference sample (len(z) points), reused by ``planes``


def tsne_maps(cfg: config.Profile, run: RunDir, z: np.ndarray, progress: bool = True) -> Maps:
    """t-SNE of raw z at the profile's sizes, then of its leading PCA components; the same for a
    Gaussian sample with z's mean and covariance (same n, same PCA, same settings). Each run's
    size, input, settings, time, KL and void shares are recorded as ``tsne_runs``."""
    settings = dict(perplexity=cfg.perplexity, early_exaggeration=cfg.early_exaggeration,
                    n_iter=cfg.tsne_iter, seed=cfg.seed)
    n_pca = min(cfg.tsne_pca_n, len(z))
    pca = LatentPCA().fit(z[subset(len(z), n_pca, cfg.seed)]) if cfg.tsne_pca_components else None
    common = dict(sizes=cfg.tsne_sizes, pca_components=cfg.tsne_pca_components, n_pca=n_pca,
                  progress=progress, pca=pca, **settings)
    runs = tsne_series(z, desc="t-SNE of z", **common)
    sample = gaussian_reference(z, cfg.seed + 1)
    reference = tsne_series(sample, desc="t-SNE of the Gaussian reference", **common)
    voids = [void_share(r.embedding, g.embedding, normalise=True)
             for r, g in zip(runs, reference, strict=True)]
    run.record("tsne_runs", [{**r.record(), "void": v.record(), "reference_kl": round(g.kl, 4)}
                             for r, g, v in zip(runs, reference, voids, strict=True)])
    return Maps(runs, reference, voids, sample)


@dataclass
class Planes:
    """PCA coordinates of all z-points, the zoom panels of two planes, and their voids."""

    components: np.ndarray  # (N, d) PCA coordinates
    pca: list[ZoomPanel]
    original: list[ZoomPanel]
    broad_axes: tuple[int, int]
    voids: dict[str, VoidShare] = field(default_factory=dict)


def planes(cfg: config.Profile, run: RunDir, z: np.ndarray,
           reference: np.ndarray | None = None) -> Planes:
    """The plane of PCA axes 0 and 1 (whole, then squares of side 5, 1, 0.5 around the centre),
    and the plane of the two broadest original axes around their mean (whole, side 5). The void
    share of each whole plane against the Gaussian reference projected the same way is recorded as
    ``plane_voids``. ``reference``: the Gaussian sample ``tsne_maps`` drew (drawn again if None)."""
    pca = LatentPCA().fit(z)
    components = pca.transform(z)
    broad = np.asarray(z).std(axis=0).argsort()[::-1][:2]
    b0, b1 = int(broad[0]), int(broad[1])
    center = tuple(np.asarray(z).mean(axis=0)[[b0, b1]])
    ref = gaussian_reference(z, cfg.seed + 1) if reference is None else reference
    voids = {"PCA 0,1": void_share(components[:, :2], pca.transform(ref, 2)),
             f"z {b0},{b1}": void_share(plane(z, b0, b1), plane(ref, b0, b1))}
    run.record("plane_voids", {k: v.record() for k, v in voids.items()})
    return Planes(components, zoom_panels(components, 0, 1),
                  zoom_panels(z, b0, b1, half_widths=(None, 2.5), center=center), (b0, b1), voids)
