"""The training step: models built from the profile, fitted on streamed batches, saved in the run."""

from __future__ import annotations

import os

from .. import config, resources
from ..data import Dataset
from ..keys import Shared, Training
from ..models import autoencoder, vae
from ..models.batches import ImageBatches
from ..models.fit import TrainResult, fit
from ..models.predict import reconstruct
from ..models.quality import ReconstructionQuality, mean_image, reconstruction_quality
from ..store import RunDir
from .artifacts import save_model
from .dataset import split
from .session import persist

KINDS = ("ae", "vae")


def _conv(cfg: config.Profile) -> dict:
    return {"filters": tuple(cfg.filters), "activation": cfg.activation,
            "batch_norm": cfg.batch_norm}


def build_ae(cfg: config.Profile, compile: bool = True):
    """The blog's AE at the profile's image size, z_dim, loss and learning rate."""
    return autoencoder.build_autoencoder(cfg.image_shape, cfg.z_dim, cfg.loss, cfg.learning_rate,
                                         compile, **_conv(cfg))


def build_vae(cfg: config.Profile, extra_dense: int | None = None, compile: bool = True):
    """The VAE (with an extra Dense layer of ``extra_dense`` neurons, or none)."""
    return vae.build_vae(cfg.image_shape, cfg.z_dim, extra_dense, cfg.kl_weight, cfg.loss,
                         cfg.learning_rate, cfg.seed, compile, **_conv(cfg))


def train(cfg: config.Profile, run: RunDir, dataset: Dataset, kind: str = "ae",
          extra_dense: int | None = None, name: str | None = None, epochs: int | None = None,
          images: int | None = None, keep: bool = True, **kwargs) -> TrainResult:
    """Split, stream batches, fit, save ``models/<name>.keras`` and its history.

    ``kind`` is "ae" or "vae"; the validation images are the last ``val_fraction`` of a seeded
    permutation (``dataset.split``), the same for every model of a run. ``images``: train on the
    first that many training images only (and a validation set in proportion), for the small
    models of notebooks 07 and 08. ``keep=False``: the model is not saved (only its history), and
    its best-epoch checkpoint is removed, for sweeps whose numbers are recorded instead.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, found {kind!r}")
    name = name or kind
    train_idx, val_idx = split(cfg, dataset)
    if images is not None:
        n_val = max(1, round(images * cfg.val_fraction / (1 - cfg.val_fraction)))
        train_idx, val_idx = train_idx[:images], val_idx[:n_val]
    train_b = ImageBatches(dataset.images, train_idx, cfg.batch_size, shuffle=True, seed=cfg.seed)
    val_b = ImageBatches(dataset.images, val_idx, cfg.batch_size)

    def model_fn():
        return build_ae(cfg) if kind == "ae" else build_vae(cfg, extra_dense)

    if os.environ.get("NBHELPERS_KEEP"):  # every finished epoch to lasting storage (Colab)
        import keras

        kwargs["callbacks"] = [*kwargs.get("callbacks", ()), keras.callbacks.LambdaCallback(
            on_epoch_end=lambda epoch, logs: persist(run))]
    result = fit(model_fn, train_b, val_b, epochs or (cfg.epochs if kind == "ae" else
                                                      cfg.vae_epochs),
                 run.path / "models", name, mixed_precision=cfg.mixed_precision, **kwargs)
    if keep:
        save_model(run, f"models/{name}.keras", result.model, source=dataset.source)
    else:
        (run.path / "models" / f"{name}_best.keras").unlink(missing_ok=True)
    run.save_json(f"models/{name}_history.json",
                  {"history": result.history, "epoch_seconds": result.epoch_seconds,
                   "initial_epoch": result.initial_epoch})
    return result


def summary(result: TrainResult) -> dict[str, object]:
    """What a notebook records about a training run, by the names of ``keys.Training`` (notebook
    01 records each; 05 and 08 record them inside a variant's or a weight's row), with a VAE's
    reconstruction and KL terms beside the loss."""
    h, t = result.history, Training
    out = {
        t.LOSS_FIRST.name: h["loss"][0],
        t.LOSS_LAST.name: h["loss"][-1],
        t.VAL_LOSS_LAST.name: h["val_loss"][-1],
        t.SECONDS_PER_EPOCH.name: (None if result.seconds_per_epoch is None
                                   else round(result.seconds_per_epoch, 3)),
        t.EPOCHS.name: result.epochs,
    }
    if result.seconds_per_epoch is None:
        out[t.SECONDS_NOTE.name] = ("no epoch ran in this session: training had already "
                                    f"finished all {result.epochs} epochs (resumed from its "
                                    f"backup)")
    for key in ("reconstruction", "kl"):
        if key in h:
            out[f"{key}_last_epoch"] = h[key][-1]
            out[f"val_{key}_last_epoch"] = h[f"val_{key}"][-1]
    return out


def train_vae_variants(cfg: config.Profile, run: RunDir, dataset: Dataset,
                       **kwargs) -> dict[str, TrainResult]:
    """The VAE with the extra Dense layer (size z_dim) and, where the profile allows
    (``vae_compare_without_dense``), the VAE without it; keys "vae" and "vae_nodense". After
    each, the Keras session is cleared and garbage collected (the Colab cycle), the process RSS
    before and after recorded as ``memory_cycles``."""
    cycles = resources.MemoryCycles()
    out = {"vae": train(cfg, run, dataset, "vae", extra_dense=cfg.z_dim, name="vae", **kwargs)}
    cycles.after("vae")
    if cfg.vae_compare_without_dense:
        out["vae_nodense"] = train(cfg, run, dataset, "vae", extra_dense=None,
                                   name="vae_nodense", **kwargs)
        cycles.after("vae_nodense")
    run.record(Shared.MEMORY_CYCLES, cycles.rows)
    return out


def variants_table(results: dict[str, TrainResult]) -> dict[str, dict]:
    """{variant: summary + encoder parameter count} for the VAE comparison."""
    return {name: {**summary(r), "encoder_params": int(r.model.encoder.count_params())}
            for name, r in results.items()}


def reconstruction(cfg: config.Profile, run: RunDir, dataset: Dataset, model,
                   faces: int = 500) -> ReconstructionQuality:
    """How good the AE's reconstructions of the first ``faces`` validation images are
    (``models.quality``): its loss against the mean training face's and the floor, and the share
    of reconstructions nearest their own photo. Recorded as ``reconstruction``."""
    train_idx, val_idx = split(cfg, dataset)
    originals = dataset.take(val_idx[:faces])
    quality = reconstruction_quality(originals, reconstruct(model, originals),
                                     mean_image(dataset.images, train_idx), cfg.loss)
    run.record(Training.RECONSTRUCTION, quality.as_dict())
    return quality
