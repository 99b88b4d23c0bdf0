"""Notebook 03's filament step: are the z-points' filaments "basically one-dimensional" (the
blog, post II)? Intrinsic dimension globally, against the neighbourhood size, and the line
measure of the zoom squares of ``steps.projections.planes``, each for z and its Gaussian reference."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import config
from ..keys import Tsne
from ..latent.dimension import DimensionByScale, IntrinsicDimension, dimension_by_scale, intrinsic_dimension
from ..latent.planes import SquareFlatness, square_flatness
from ..store import RunDir
from .projections import Planes


@dataclass
class FilamentDimension:
    """Intrinsic dimension of the z-points and of the Gaussian reference, against the truth."""

    z: IntrinsicDimension
    reference: IntrinsicDimension
    truth: int | None  # the number of factors that drew the faces (synthetic data), else None


def global_dimension(cfg: config.Profile, run: RunDir, z: np.ndarray, reference: np.ndarray,
                       truth: int | None = None) -> FilamentDimension:
    """The blog's open question "are the filaments one-dimensional?" as numbers: global and local
    intrinsic dimension of z and of its Gaussian reference (same covariance), and, where the data
    has known factors, the truth and the ratio estimate / truth. Recorded as
    ``intrinsic_dimension``."""
    opts = dict(n_points=cfg.id_points, k=cfg.id_k, n_local=cfg.id_neighbourhoods, seed=cfg.seed)
    out = FilamentDimension(intrinsic_dimension(z, **opts),
                            intrinsic_dimension(reference, **opts), truth)
    rec = {"z": out.z.record(), "gaussian_reference": out.reference.record(), "truth": truth}
    if truth:
        rec["ratio_to_truth"] = {k: round(getattr(out.z, k) / truth, 3)
                                 for k in ("twonn", "mle", "local_dense", "local_random")}
    run.record(Tsne.INTRINSIC_DIMENSION, rec)
    return out


@dataclass
class Filaments:
    """Where the blog looked for its one-dimensional filaments: the local dimension against the
    neighbourhood size for z and for its Gaussian reference, and the line measure of every zoom
    square of the plane projections (z against the reference in the same square)."""

    z: DimensionByScale
    reference: DimensionByScale
    lines: dict[str, list[SquareFlatness]]  # plane name -> one per zoom square (not the whole)
    truth: int | None


def by_scale(run: RunDir, z: np.ndarray, reference: np.ndarray, planes: Planes,
              truth: int | None = None) -> Filaments:
    """The blog's "basically one-dimensional filaments" measured at its scales. Recorded:
    ``dimension_by_scale`` (the curves, and the lowest dimension of z and of the reference over
    neighbourhoods of at most a tenth of the cloud, with the truth) and ``filament_lines`` (per
    plane and square the flatness of z and of the reference, and ``ratio``, the median z /
    reference over the squares measured: below 1 where z is more line-like)."""
    out = Filaments(dimension_by_scale(z, queries=None), dimension_by_scale(reference, queries=None),
                    {}, truth)
    for name, panels in planes.named().items():
        out.lines[name] = [square_flatness(p.points, r.points)
                           for p, r in zip(panels, planes.reference[name], strict=True)
                           if p.half_width is not None]
    (lz, kz), (lr, kr) = out.z.lowest(), out.reference.lowest()
    run.record(Tsne.DIMENSION_BY_SCALE, {
        "z": out.z.record(), "gaussian_reference": out.reference.record(), "truth": truth,
        "lowest": {"z": round(lz, 3), "z_k": kz, "gaussian_reference": round(lr, 3),
                   "gaussian_reference_k": kr},
        "smallest_scale": {"k": int(out.z.k[0]), "z": round(float(out.z.dimension[0]), 3),
                           "gaussian_reference": round(float(out.reference.dimension[0]), 3)}})
    ratios = [f.ratio for rows in out.lines.values() for f in rows if f.ratio is not None]
    run.record(Tsne.FILAMENT_LINES, {
        "squares": {name: [f.record() for f in rows] for name, rows in out.lines.items()},
        "measured": len(ratios),
        "ratio": round(float(np.median(ratios)), 4) if ratios else None,
        "neighbours": 10, "min_points": 50})
    return out
