"""Notebook 03's step: t-SNE maps of the z-points at the blog's settings per run, the PCA variance
of raw z, linear plane projections with zoom ladders scaled to the data, voids measured against a
Gaussian reference sent through the same path (the intrinsic dimension: ``steps.filaments``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import config
from ..keys import Tsne
from ..latent.pca import LatentPCA
from ..latent.planes import ZoomPanel, plane, zoom_panels
from ..latent.scale import axis_spread, widths
from ..latent.tsne import TSNEJob, TSNEResult, series_pca, tsne_series
from ..latent.voids import VoidShare, gaussian_reference, ratio_summary, void_share
from ..store import Files, RunDir

MAP_MAX_POINTS = 20_000  # the raw-z map kept for notebook 06 (openTSNE's transform)


def tsne_jobs(cfg: config.Profile) -> list[TSNEJob]:
    """The profile's runs: raw z at each size (the first at the blog's first-run settings, the
    rest at the standard ones), then the PCA runs, each (size, components) pair at the standard
    settings."""
    std = dict(perplexity=cfg.perplexity, early_exaggeration=cfg.early_exaggeration,
               n_iter=cfg.tsne_iter)
    first = dict(std, perplexity=cfg.tsne_first_perplexity,
                 early_exaggeration=cfg.tsne_first_exaggeration)
    raw = [TSNEJob(n, None, **(first if i == 0 else std)) for i, n in enumerate(cfg.tsne_sizes)]
    return raw + [TSNEJob(n, k, **std)
                  for n, k in zip(cfg.tsne_pca_sizes, cfg.tsne_pca_components, strict=True)]


@dataclass
class Maps:
    """t-SNE maps of the z-points and of their Gaussian reference, with the void measure per map."""

    runs: list[TSNEResult]
    reference: list[TSNEResult]
    voids: list[VoidShare]
    gaussian: np.ndarray  # the Gaussian reference sample (len(z) points), reused by ``planes``


def tsne_maps(cfg: config.Profile, run: RunDir, z: np.ndarray, progress: bool = True) -> Maps:
    """t-SNE of every job of ``tsne_jobs``; the same for a Gaussian sample with z's mean and
    covariance (same n, same PCA, same settings). Each run's size, input, settings, time, KL and
    void shares are recorded as ``tsne_runs`` (the perplexity openTSNE used is each run's
    ``used.perplexity``); the largest raw-z map of at most 20,000 points is saved (rows and 2-D
    coordinates) for notebook 06, which places new points on it, and recorded as ``tsne_map``
    with its requested settings (on the celeba profile that is the first run: perplexity 10,
    exaggeration 16; see ``config.Profile.tsne_first_perplexity``)."""
    jobs = tsne_jobs(cfg)
    common = dict(jobs=jobs, progress=progress, pca=series_pca(z, jobs, cfg.seed), seed=cfg.seed)
    runs = tsne_series(z, desc="t-SNE of z", **common)
    sample = gaussian_reference(z, cfg.seed + 1)
    reference = tsne_series(sample, desc="t-SNE of the Gaussian reference", **common)
    voids = [void_share(r.embedding, g.embedding, normalise=True)
             for r, g in zip(runs, reference, strict=True)]
    run.record(Tsne.TSNE_RUNS, [{**r.record(), "void": v.record(), "reference_kl": round(g.kl, 4)}
                             for r, g, v in zip(runs, reference, voids, strict=True)])
    raw = [r for r in runs if r.input == "raw z" and r.n <= MAP_MAX_POINTS]
    if raw:
        kept = max(raw, key=lambda r: r.n)
        run.save_array(Files.MAP_INDEX, np.asarray(kept.index, dtype=np.int64))
        run.save_array(Files.MAP_EMBEDDING, kept.embedding.astype(np.float32))
        settings = {"n": kept.n, **kept.settings}
        run.save_json(Files.MAP_SETTINGS, settings)
        run.record(Tsne.TSNE_MAP, settings)
    return Maps(runs, reference, voids, sample)


def raw_pca(run: RunDir, z: np.ndarray, first: int = 12) -> LatentPCA:
    """PCA of all raw z-points (the blog: one dominant component, flat after about 10); records
    the explained-variance ratios of the first ``first`` components."""
    pca = LatentPCA().fit(z)
    ratios = pca.explained_variance_ratio_
    run.record(Tsne.RAW_PCA_VARIANCE, [round(float(v), 5) for v in ratios[:first]])
    run.record(Tsne.RAW_PCA_DOMINANCE, round(float(ratios[0] / ratios[1]), 4) if len(ratios) > 1
               else None)
    return pca


@dataclass
class Planes:
    """PCA coordinates of all z-points, the zoom ladders of the PCA planes and of the plane of the
    two broadest original axes, the spread the ladders were scaled to, and the voids."""

    components: np.ndarray  # (N, d) PCA coordinates
    ladders: dict[tuple[int, int], list[ZoomPanel]]  # the PCA planes' zoom ladders
    original: list[ZoomPanel]
    broad_axes: tuple[int, int]
    spread: float  # median axis FWHM of z (latent.scale.axis_spread)
    voids: dict[str, VoidShare] = field(default_factory=dict)
    reference: dict[str, list[ZoomPanel]] = field(default_factory=dict)  # the same squares
    void_ratio: dict = field(default_factory=dict)  # median, range, count over maps and planes

    @property
    def ladder(self) -> tuple:
        """The zoom ladder's half widths in data units (None: the whole plane)."""
        return tuple(p.half_width for p in next(iter(self.ladders.values()), self.original))

    def named(self) -> dict[str, list[ZoomPanel]]:
        """The z-points' ladders by plane name ("PCA i,j", "z i,j"), as ``reference``."""
        b0, b1 = self.broad_axes
        return {**{f"PCA {i},{j}": p for (i, j), p in self.ladders.items()}, f"z {b0},{b1}": self.original}


def _ladder(cfg: config.Profile, spread: float) -> tuple:
    """The blog's zoom ladder in data units: the whole plane, then squares whose sides are the
    profile's fractions of the spread (half widths for ``zoom_panels``)."""
    return (None, *(s / 2 for s in widths(cfg.zoom_fractions, spread)))


def planes(cfg: config.Profile, run: RunDir, z: np.ndarray, pca: LatentPCA,
           reference: np.ndarray | None = None, map_voids=()) -> Planes:
    """The profile's PCA planes (the blog's (0, 1), (0, 17), (7, 34)) with the zoom ladder around
    the centre, and the plane of the two broadest original axes around their mean (whole, and the
    first square). Recorded: ``zoom_ladder`` (the spread, each panel's side in data units and
    point count), ``plane_voids`` (each whole plane's void share against the Gaussian
    reference projected the same way) and ``void_ratio`` (median, range and count of the ratios
    over the planes and ``map_voids``, the t-SNE maps' shares). ``reference``: the Gaussian
    sample of ``tsne_maps``."""
    components = pca.transform(z)
    spread = axis_spread(z)
    ladder = _ladder(cfg, spread)
    d = components.shape[1]
    pairs = [(i, j) for i, j in zip(cfg.zoom_planes[::2], cfg.zoom_planes[1::2], strict=True)
             if i < d and j < d]
    broad = np.asarray(z).std(axis=0).argsort()[::-1][:2]
    b0, b1 = int(broad[0]), int(broad[1])
    center = tuple(np.asarray(z).mean(axis=0)[[b0, b1]])
    pca_panels = {(i, j): zoom_panels(components, i, j, ladder) for i, j in pairs}
    original = zoom_panels(z, b0, b1, half_widths=ladder[:2], center=center)
    ref = gaussian_reference(z, cfg.seed + 1) if reference is None else reference
    ref_components = pca.transform(ref)
    voids = {f"PCA {i},{j}": void_share(components[:, [i, j]], ref_components[:, [i, j]])
             for i, j in pairs}
    voids[f"z {b0},{b1}"] = void_share(plane(z, b0, b1), plane(ref, b0, b1))
    run.record(Tsne.PLANE_VOIDS, {k: v.record() for k, v in voids.items()})
    void_ratio = run.record(Tsne.VOID_RATIO, ratio_summary([*map_voids, *voids.values()]))
    out = Planes(components, pca_panels, original, (b0, b1), spread, voids, {
        **{f"PCA {i},{j}": zoom_panels(ref_components, i, j, ladder) for i, j in pairs},
        f"z {b0},{b1}": zoom_panels(ref, b0, b1, half_widths=ladder[:2], center=center)},
        void_ratio)
    run.record(Tsne.ZOOM_LADDER, {
        "spread_fwhm": round(spread, 4), "side_fractions": list(cfg.zoom_fractions),
        "planes": {name: [{"side": None if p.half_width is None else round(2 * p.half_width, 4),
                           "points": p.count} for p in panels]
                   for name, panels in out.named().items()}})
    return out
