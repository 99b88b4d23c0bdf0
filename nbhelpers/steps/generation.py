"""Notebook 06's step: samplers fitted on the AE's z-points, decoded faces, their realism.

Decoded and reconstructed faces come one batch at a time as uint8 (``models.decode`` and
``models.reconstruct``, a quarter of float32); the real reference set is turned into features
once per run (``steps.judge``); only a few previews per sampler are kept. Measured on the
celeba plan (16,277 held-out faces, 5,000 per sampler), this keeps notebook 06's peak RSS within
Colab's RAM (docs/colab.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import claims, config
from ..data import Dataset
from ..keys import Generation
from ..latent import metrics, sampling
from ..latent.pca import LatentPCA
from ..latent.placement import MapBox, RealNeighbours
from ..latent.tsne import place, rebuild_map
from ..models import decode, parts, reconstruct
from ..store import Files, RunDir
from .artifacts import is_external, load_model
from .dataset import open_dataset, split
from .encoding import load_z
from .judge import RealismTable, judge


@dataclass
class Inputs:
    """What notebook 06 reads from the run: images, z-points, the split and the trained models."""

    dataset: Dataset
    z: np.ndarray
    train_idx: np.ndarray
    val_idx: np.ndarray
    ae: object | None  # the series' AE (None for external z-points: no encoder here)
    decoder: object
    vae_decoder: object | None  # the series' VAE decoder (None for external z-points)


def load_inputs(cfg: config.Profile, run: RunDir) -> Inputs:
    """The images, z-points, split and models; for external z-points (``steps.external``) the
    given decoder and no AE or VAE."""
    ds = open_dataset(run)
    train_idx, val_idx = split(cfg, ds)
    if is_external(run):
        decoder = load_model(run, Files.DECODER, compile=False)
        return Inputs(ds, load_z(run), train_idx, val_idx, None, decoder, None)
    ae = load_model(run, Files.AE)
    vae = load_model(run, Files.VAE)
    return Inputs(ds, load_z(run), train_idx, val_idx, ae, parts(ae)[1], vae.decoder)


def fit_samplers(cfg: config.Profile, inputs: Inputs) -> dict[str, sampling.Sampler]:
    """Every sampler of the blog's progression, fitted on the training images' z-points."""
    samplers = sampling.standard_set(cfg.confine_sigma, cfg.gmm_components, cfg.seed,
                                     cfg.gmm_max_points)  # every sampler draws from cfg.seed
    return sampling.fit_all(samplers, inputs.z[inputs.train_idx])


def score_samplers(cfg: config.Profile, run: RunDir, inputs: Inputs,
            samplers: dict[str, sampling.Sampler], preview: int = 8,
            progress: bool = True) -> RealismTable:
    """Precision, recall, density, coverage and Frechet distance of each sampler's decoded faces,
    of the VAE's faces from N(0, I), of reconstructions, of real training faces and of uniform
    noise (the judge's two ends), against the held-out faces (the run's ``judge.judge``);
    recorded as ``realism``, with the generation study's headline numbers
    (``metrics.sampler_margins``). Without the series' AE and VAE (external z-points) the
    samplers' rows and the judge's ends alone."""
    from tqdm.auto import tqdm

    n = cfg.n_generate
    scorer = judge(cfg, run, inputs.dataset)

    def score(images) -> dict:
        return scorer.score(images).as_dict()

    out = RealismTable({})
    for name, s in tqdm(samplers.items(), desc="samplers", disable=not progress):
        images = decode(inputs.decoder, s.sample(n))
        out.table[f"ae/{name}"] = score(images)
        out.previews[name] = images[:preview]
    if inputs.vae_decoder is not None:
        vae_faces = decode(inputs.vae_decoder, sampling.standard_normal(n, cfg.z_dim, cfg.seed + 1))
        out.table["vae/normal"] = score(vae_faces)
        out.previews["VAE N(0, I)"] = vae_faces[:preview]
    if inputs.ae is not None:
        out.table["reconstruction"] = score(reconstruct(inputs.ae,
                                                        inputs.dataset.take(inputs.val_idx[:n])))
    # the judge's own ends: real training faces (what a sampler can at best look like) and
    # uniform noise (what no face looks like)
    real = inputs.dataset.take(inputs.train_idx[-min(n, len(inputs.train_idx)):])
    out.table["training faces"] = score(real)
    out.table["noise"] = score(np.random.default_rng(cfg.seed).integers(
        0, 256, real.shape, dtype=np.uint8))
    run.record(Generation.REALISM, out.table)
    ae_rows = {k[3:]: v for k, v in out.table.items() if k.startswith("ae/")}
    m, g = metrics.sampler_margins(ae_rows, claims.NAIVE_SAMPLERS), Generation
    for key, value in ((g.MVN_PRECISION_MARGIN, m.precision_margin), (g.BEST_NAIVE, m.best_naive),
                       (g.BEST_NAIVE_PRECISION, m.best_naive_precision),
                       (g.GMM_FRECHET_RATIO, m.gmm_frechet_ratio)):
        run.record(key, value)
    return out


@dataclass
class Placements:
    """Real z-points on their t-SNE map (from notebook 03) and each sampler's draws placed on it."""

    reference: np.ndarray  # (m, 2) the map's coordinates of the real z-points
    draws: dict[str, np.ndarray]  # sampler -> (n, 2) positions of its draws
    share_inside: dict[str, float]  # share of draws inside the real points' 1-99 % box
    nn_ratio: dict[str, float]  # median distance in z to the nearest real point / the reals' own


def place_draws(cfg: config.Profile, run: RunDir, inputs: Inputs,
                samplers: dict[str, sampling.Sampler], n: int = 1_000) -> Placements:
    """Each sampler's ``n`` draws placed on notebook 03's t-SNE map of the real z-points with
    openTSNE's ``transform`` (the map is rebuilt from its saved rows and coordinates, affinities
    recomputed). ``transform`` puts each draw among its nearest real z-points, however far away
    they are, so the map shows where a draw's nearest real neighbours are, not its distance; that
    is measured in z: the median distance of a draw to its nearest real z-point, in units of the
    real points' median distance to their own nearest neighbour (``nn_ratio``: about 1 for draws
    among the real points, far above 1 for draws in the voids). Recorded per sampler with the
    share of draws inside the box of the map's 1st-99th percentiles and their median distance to
    the map's centre in units of the real points' (``tsne_placements``)."""
    index = run.load_array(Files.MAP_INDEX)
    ref_xy = run.load_array(Files.MAP_EMBEDDING)
    perplexity = float(run.load_json(Files.MAP_SETTINGS)["perplexity"])
    ref_z = np.asarray(inputs.z[index], dtype=np.float64)
    fitted = rebuild_map(ref_z, ref_xy, perplexity, cfg.seed)
    reals, box = RealNeighbours().fit(ref_z), MapBox.of(ref_xy)
    draws, inside, ratio, record = {}, {}, {}, {}
    for name, s in samplers.items():
        z_new = s.sample(n)
        draws[name] = xy = place(fitted, z_new)
        inside[name], ratio[name] = box.inside(xy), reals.ratio(z_new)
        record[name] = {"inside_box": round(inside[name], 4),
                        "median_distance": round(box.distance(xy), 3),
                        "nn_ratio": round(ratio[name], 3)}
    run.record(Generation.TSNE_PLACEMENTS, record)
    return Placements(ref_xy, draws, inside, ratio)


def morph(inputs: Inputs, frames: int = 8) -> dict[str, np.ndarray]:
    """Faces decoded along the straight line between two held-out faces' z (attribute
    arithmetic, which needs labels, is notebook 07's)."""
    z, a, b = inputs.z, int(inputs.val_idx[1]), int(inputs.val_idx[2])
    return {"morph": decode(inputs.decoder, sampling.line(z[a], z[b], frames))}


def face_pca(inputs: Inputs) -> LatentPCA:
    """The PCA of the training images' z-points that the face explorer walks along."""
    return LatentPCA().fit(inputs.z[inputs.train_idx])
