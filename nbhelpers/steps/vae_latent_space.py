"""Notebook 08's step: the VAE's latent space (its means mu), and a sweep of the KL weight.

The analysis of notebooks 02-04 applied to ``latent/z_vae.npy``: per-axis densities, the radius
peak against sqrt(z_dim) (for z ~ N(0, I) the radius follows a chi distribution whose mode is
sqrt(z_dim - 1)), voids of a t-SNE map and of the PCA plane against a Gaussian reference, and
the ellipse shares of PCA pairs. Then VAEs trained the same way at several KL weights (weight 0
is the same VAE without the KL pull: it still samples z, the nearest to an AE the sweep trains):
per weight the radius peak, the void share, the reconstruction loss
and the realism of faces decoded from z ~ N(0, I): does a VAE with a tiny KL weight behave like
an AE?
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .. import config, resources
from ..keys import Shared, VaeSpace
from ..latent import ellipses
from ..latent.density import LatentDensity
from ..latent.metrics import tiny_kl_way
from ..latent.pca import LatentPCA, component_pairs
from ..latent.sampling import standard_normal
from ..latent.tsne import TSNEJob, tsne_series
from ..latent.voids import VoidShare, gaussian_reference, pca_plane_void, void_share
from ..models import decode
from ..models.predict import encode_means
from ..store import RunDir
from .artifacts import is_external
from .dataset import open_dataset, split
from .judge import judge
from .number_density import density_record, scaled_density
from .training import summary, train


@dataclass
class VAESpace:
    density: LatentDensity
    tsne: list  # [z map, Gaussian reference map]
    voids: dict[str, VoidShare]
    panels: list[ellipses.EllipsePanel]


def analyse(cfg: config.Profile, run: RunDir, z: np.ndarray, progress: bool = True) -> VAESpace:
    """Notebooks 02-04's measurements on the VAE's z; recorded under ``vae_*`` names."""
    z = np.asarray(z)
    density = scaled_density(cfg, z)
    run.record(VaeSpace.VAE_DENSITY, {**{k.name: v for k, v in density_record(cfg, density).items()},
                                      "chi_mode": round(float(np.sqrt(density.z_dim_ - 1)), 4)})
    n = min(cfg.vae_tsne_points, len(z))
    job = [TSNEJob(n, None, cfg.perplexity, cfg.early_exaggeration, cfg.tsne_iter)]
    ref = gaussian_reference(z, cfg.seed + 1)  # one reference for the map and the plane
    maps = [tsne_series(x, job, progress=progress, desc=desc, seed=cfg.seed)[0]
            for x, desc in ((z, "t-SNE of the VAE's z"), (ref, "t-SNE of its reference"))]
    pca = LatentPCA().fit(z)
    comps = pca.transform(z)
    voids = {"t-SNE": void_share(maps[0].embedding, maps[1].embedding, normalise=True),
             "PCA 0,1": pca_plane_void(z, ref, pca)}
    run.record(VaeSpace.VAE_VOIDS, {k: v.record() for k, v in voids.items()})
    pairs = component_pairs(comps.shape[1], 10, 10)["near"]
    panels = ellipses.ellipse_panels(comps, pairs, max_points=cfg.scatter_points,
                                     share_points=cfg.share_points, seed=cfg.seed)
    run.record(VaeSpace.VAE_INSIDE_2SIGMA, ellipses.mean_inside(panels, 2))
    run.record(VaeSpace.VAE_INSIDE_3SIGMA, ellipses.mean_inside(panels, 3))
    return VAESpace(density, maps, voids, panels)


def kl_sweep(cfg: config.Profile, run: RunDir, progress: bool = True) -> dict:
    """A VAE (with the extra Dense layer) per weight of ``kl_weights``, each trained on
    ``sweep_images`` images for ``sweep_epochs`` epochs; per weight: radius peak of the training
    images' mu, the PCA-plane void share, the validation reconstruction loss, and precision,
    recall, density and coverage of ``n_generate`` faces from z ~ N(0, I). Recorded as
    ``kl_sweep``; returns {"rows": {weight: row}, "faces": {weight: a few faces}}. After each
    VAE the Keras session is cleared and garbage collected, the RSS recorded (``memory_cycles``).
    Skipped (and recorded as such) for external z-points: the sweep trains the series' VAEs."""
    if is_external(run):
        why = "skipped for external z-points: the sweep trains the series' own VAEs on its images"
        run.record(VaeSpace.KL_SWEEP, {"skipped": why})
        run.record(VaeSpace.TINY_KL_WAY, {"skipped": why})
        return {"rows": {}, "faces": {}}
    ds = open_dataset(run)
    scorer = judge(cfg, run, ds)
    z_normal = standard_normal(cfg.n_generate, cfg.z_dim, cfg.seed + 1)
    train_idx = split(cfg, ds)[0][:cfg.sweep_images]
    rows, faces, cycles = {}, {}, resources.MemoryCycles()
    for w in cfg.kl_weights:
        wcfg = dataclasses.replace(cfg, kl_weight=float(w))
        result = train(wcfg, run, ds, "vae", extra_dense=cfg.z_dim, name=f"vae_kl_{w:g}",
                       epochs=cfg.sweep_epochs, images=cfg.sweep_images, keep=False)
        mu = encode_means(result.model.encoder, ds.take(np.sort(train_idx)))
        density = scaled_density(cfg, mu)
        s = summary(result)
        generated = decode(result.model.decoder, z_normal)
        rows[f"{w:g}"] = {
            "radius_peak": round(float(density.radius_peak_), 4),
            "radius_mean": round(density.radius_mean_, 4),
            "void_ratio": round(pca_plane_void(mu, gaussian_reference(mu, cfg.seed + 1)).ratio, 4),
            "val_reconstruction": round(float(s.get("val_reconstruction_last_epoch", np.nan)), 5),
            "val_kl_weighted": round(float(s.get("val_kl_last_epoch", np.nan)), 5),
            **scorer.score(generated).as_dict()}
        faces[f"{w:g}"] = generated[:8].copy()
        del result, generated, mu
        cycles.after(f"vae_kl_{w:g}")  # the Colab cycle: clear, collect, RSS recorded
    run.record(VaeSpace.KL_SWEEP, {"images": cfg.sweep_images, "epochs": cfg.sweep_epochs,
                            "rows": rows})
    run.record(Shared.MEMORY_CYCLES, cycles.rows)
    run.record(VaeSpace.TINY_KL_WAY, tiny_kl_way(rows, cfg.n_generate))
    return {"rows": rows, "faces": faces}
