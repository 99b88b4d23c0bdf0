"""Notebook 05's measurements beside the training: what the extra Dense layer costs and saves.

- faces decoded from z ~ N(0, I) for each trained variant, scored like notebook 06's samplers
  (the blog: the extra layer "does not lead to a visible reduction of the quality");
- the bytes of each variant's weights and optimizer state, and the GPU allocator's peak where a
  GPU is present (the blog's reason for the layer: VRAM);
- seconds per epoch of the extra-Dense VAE at several batch sizes (the blog: 256 was no faster
  than 128 on its GPU), timed on one epoch over a subset and scaled to the training set.
"""

from __future__ import annotations

from .. import config, resources
from ..data import Dataset
from ..keys import ExtraDense
from ..latent.sampling import standard_normal
from ..models import conv, decode
from ..models.batches import ImageBatches
from ..models.fit import TrainResult, state_bytes, timed_epoch
from ..store import RunDir
from .dataset import split
from .judge import RealismTable, judge
from .training import build_vae, variants_table


def faces_from_normal(cfg: config.Profile, run: RunDir, ds: Dataset,
                      variants: dict[str, TrainResult]) -> RealismTable:
    """``n_generate`` faces from z ~ N(0, I) per variant, scored against the held-out faces;
    recorded as ``normal_faces_realism`` (the run's ``judge.judge``, as notebook 06 scores);
    a few faces per variant kept for the figure."""
    scorer = judge(cfg, run, ds)
    out = RealismTable({})
    z = standard_normal(cfg.n_generate, cfg.z_dim, cfg.seed + 1)
    for name, result in variants.items():
        faces = decode(result.model.decoder, z)
        out.table[name] = scorer.score(faces).as_dict()
        out.previews[name] = faces[:12]
    run.record(ExtraDense.NORMAL_FACES_REALISM, out.table)
    if "vae_nodense" in out.table:  # the blog: "no visible reduction of the quality"
        run.record(ExtraDense.QUALITY_GAP, round(out.table["vae"]["precision"]
                                        - out.table["vae_nodense"]["precision"], 4))
    return out


def parameter_table(run: RunDir) -> dict:
    """The blog's parameter table (``models.conv.parameter_table``), recorded as ``encoder_params``
    and ``decoder_params``, with the Encoder's size with the extra Dense layer over its size
    without (``encoder_ratio``; the blog: 5.11 M -> 2.88 M)."""
    table = conv.parameter_table()
    enc = table["encoder"]
    run.record(ExtraDense.ENCODER_PARAMS, enc)
    run.record(ExtraDense.DECODER_PARAMS, table["decoder"])
    run.record(ExtraDense.ENCODER_RATIO, round(enc["z256_dense256"] / enc["z256"], 4))
    return table


def compare_variants(run: RunDir, variants: dict[str, TrainResult]) -> dict[str, dict]:
    """Each trained variant's losses and Encoder size (``training.variants_table``), recorded as
    ``variants``; with both variants, the relative gap of their last validation losses
    (``val_loss_gap``: |with - without| / without)."""
    table = variants_table(variants)
    run.record(ExtraDense.VARIANTS, table)
    if "vae_nodense" in table:
        a, b = table["vae"]["val_loss_last_epoch"], table["vae_nodense"]["val_loss_last_epoch"]
        run.record(ExtraDense.VAL_LOSS_GAP, round(abs(a - b) / abs(b), 4))
    return table


def memory(run: RunDir, variants: dict[str, TrainResult]) -> dict[str, dict]:
    """Bytes of weights and optimizer state per variant, and the GPU allocator's peak so far in
    this process where a GPU is present (None on CPU); recorded as ``variant_memory``."""
    snap = resources.snapshot()
    peak = max((g.alloc_peak or 0 for g in snap.gpus), default=None) if snap.gpus else None
    table = {name: {**state_bytes(r.model), "encoder_weights": state_bytes(r.model.encoder)["weights"]}
             for name, r in variants.items()}
    run.record(ExtraDense.VARIANT_MEMORY, table)
    run.record(ExtraDense.GPU_ALLOCATOR_PEAK, peak if peak else
               f"not measured: {snap.gpu_status or 'no GPU in this process'}")
    return table


def epoch_seconds(cfg: config.Profile, run: RunDir, ds: Dataset, progress: bool = True) -> dict:
    """Seconds per epoch of a fresh extra-Dense VAE at each of ``timing_batch_sizes``: two epochs
    over ``timing_images`` training images (None, the celeba profile: the whole training set, as
    the blog timed whole epochs), the second timed (the first pays for compilation), scaled to
    the run's training set; recorded as ``epoch_seconds_by_batch`` with the images timed."""
    from tqdm.auto import tqdm

    train_idx, _ = split(cfg, ds)
    idx = train_idx[:cfg.timing_images]
    out = {}
    for bs in tqdm(cfg.timing_batch_sizes, desc="timing batch sizes", disable=not progress):
        model = build_vae(cfg, extra_dense=cfg.z_dim)
        seconds = timed_epoch(model, ImageBatches(ds.images, idx, int(bs), shuffle=True,
                                                  seed=cfg.seed))
        out[str(bs)] = {"images_timed": len(idx), "images_per_second": round(len(idx) / seconds, 1),
                        "seconds_per_epoch": round(seconds * len(train_idx) / len(idx), 2)}
        del model
        resources.release_memory()
    run.record(ExtraDense.EPOCH_SECONDS, out)
    return out
