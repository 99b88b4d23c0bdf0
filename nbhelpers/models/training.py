"""Training with progress, CSV history, best checkpoint, NaN guard and resumption.

``fit`` wraps ``model.fit`` with:
- a progress bar (Keras' own; one line per epoch when no frontend is attached, e.g. papermill);
- ``<name>_history.csv``: one row per finished epoch, kept across resumed runs (the full history);
- ``<name>_best.keras``: the model with the lowest validation loss, written atomically;
- a NaN guard that stops and raises with a message that says what to change;
- ``BackupAndRestore``: a run killed mid-training (a Colab disconnect, SIGKILL) continues at the
  last finished epoch when started again; the backup folder may live on Google Drive;
- optional mixed precision (the Decoder's sigmoid output stays float32);
- a memory line per epoch (``resources.memory_callback``);
- ``tf.distribute.MirroredStrategy`` when more than one GPU is visible (or when asked for).
"""

from __future__ import annotations

import csv
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np

from .. import resources
from ..store import RunDir, atomic_path


@dataclass
class TrainResult:
    model: keras.Model
    history: dict[str, list[float]]
    seconds_per_epoch: float
    initial_epoch: int
    epoch_seconds: list[float] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        return len(next(iter(self.history.values()), []))


class NaNGuard(keras.callbacks.Callback):
    """Stop at the first non-finite loss and remember where it happened."""

    def __init__(self):
        super().__init__()
        self.bad: tuple[int, int, float] | None = None
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(float(loss)):
            self.bad = (self._epoch, batch, float(loss))
            self.model.stop_training = True


class AtomicBestCheckpoint(keras.callbacks.Callback):
    """Save the model whenever ``monitor`` improves, via a temporary file and os.replace."""

    def __init__(self, path: Path, monitor: str = "val_loss"):
        super().__init__()
        self.path, self.monitor, self.best = Path(path), monitor, np.inf

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is not None and np.isfinite(value) and value < self.best:
            self.best = float(value)
            with atomic_path(self.path, suffix=".keras") as tmp:
                tmp.unlink()
                self.model.save(tmp)


class EpochTimer(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seconds: list[float] = []

    def on_epoch_begin(self, epoch, logs=None):
        self._t0 = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._t0)


def read_history(csv_path: str | os.PathLike) -> dict[str, list[float]]:
    """The CSV history, one value per epoch (a repeated epoch keeps its last row)."""
    rows: dict[int, dict] = {}
    if Path(csv_path).exists():
        with open(csv_path, newline="") as fh:
            for row in csv.DictReader(fh):
                rows[int(row["epoch"])] = row
    keys = [k for k in next(iter(rows.values()), {}) if k != "epoch"]
    return {k: [float(rows[e][k]) for e in sorted(rows)] for k in keys}


NAN_ADVICE = ("the loss became {loss} at epoch {epoch}, batch {batch}. Lower learning_rate "
              "(now {lr}), keep loss='bce' with the sigmoid output, try batch_norm=True, or for "
              "the VAE lower kl_weight; then start again (BackupAndRestore resumes from the last "
              "good epoch only if you keep its folder, so delete {backup} to start afresh).")


def fit(model_fn: Callable[[], keras.Model], train, val, epochs: int, out_dir: str | os.PathLike,
        name: str, backup_dir: str | os.PathLike | None = None, strategy=None,
        mixed_precision: bool = False, verbose: int | str | None = None,
        callbacks: list | tuple = (), memory_lines: bool = True,
        batch_size: int = 32) -> TrainResult:
    """Build the model with ``model_fn()`` (inside the distribution strategy's scope) and fit it.

    ``strategy``: None picks MirroredStrategy when more than one GPU is visible; pass a
    ``tf.distribute`` strategy to force one (the tests use two logical CPU devices).
    ``train`` is a batch source (``data.ImageBatches``) or an ``(x, y)`` tuple of arrays, which is
    then fed in ``batch_size`` batches.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    backup = Path(backup_dir) if backup_dir else out_dir / f"{name}_backup"
    history_csv = out_dir / f"{name}_history.csv"
    if not backup.exists() and history_csv.exists():
        history_csv.unlink()  # a fresh start: the old history belongs to another run
    if mixed_precision:
        keras.mixed_precision.set_global_policy("mixed_float16")
    strategy = strategy if strategy is not None else resources.distribution_strategy()
    try:
        if strategy is not None:
            with strategy.scope():
                model = model_fn()
        else:
            model = model_fn()
    finally:
        if mixed_precision:
            keras.mixed_precision.set_global_policy("float32")
    if verbose is None:
        from ..widgets import has_frontend

        verbose = 1 if has_frontend() else 2
    guard, timer = NaNGuard(), EpochTimer()
    cbs = [guard, timer, keras.callbacks.CSVLogger(str(history_csv), append=True),
           keras.callbacks.BackupAndRestore(str(backup), double_checkpoint=True),
           AtomicBestCheckpoint(out_dir / f"{name}_best.keras")]
    if memory_lines:
        cbs.append(resources.memory_callback(verbose=bool(verbose)))
    cbs.extend(callbacks)
    x, y = train if isinstance(train, tuple) else (train, None)  # (x, y) arrays or a batch source
    model.fit(x, y, batch_size=batch_size if y is not None else None, validation_data=val,
              epochs=epochs, callbacks=cbs, verbose=verbose)
    if guard.bad is not None:
        epoch, batch, loss = guard.bad
        lr = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
        raise FloatingPointError(NAN_ADVICE.format(loss=loss, epoch=epoch + 1, batch=batch,
                                                   lr=lr, backup=backup))
    initial = int(getattr(model, "_initial_epoch", None) or 0)
    if backup.exists():  # fit ended normally: BackupAndRestore already removed its files
        shutil.rmtree(backup, ignore_errors=True)
    return TrainResult(model, read_history(history_csv),
                       float(np.mean(timer.seconds)) if timer.seconds else float("nan"),
                       initial, timer.seconds)


def train(cfg, run: RunDir, dataset, kind: str = "ae", extra_dense: int | None = None,
          name: str | None = None, epochs: int | None = None, **kwargs) -> TrainResult:
    """The series' training step: split, stream batches, fit, save ``models/<name>.keras``.

    ``kind`` is "ae" or "vae"; the validation images are the last ``val_fraction`` of a seeded
    permutation (``data.split_indices``), the same for every model of a run.
    """
    from ..data import ImageBatches, split_indices
    from . import autoencoder, vae

    if kind not in ("ae", "vae"):
        raise ValueError(f"kind must be 'ae' or 'vae', found {kind!r}")
    name = name or kind
    train_idx, val_idx = split_indices(len(dataset.images), cfg.val_fraction, cfg.seed)
    train_b = ImageBatches(dataset.images, train_idx, cfg.batch_size, shuffle=True, seed=cfg.seed)
    val_b = ImageBatches(dataset.images, val_idx, cfg.batch_size)

    def model_fn():
        if kind == "ae":
            return autoencoder.from_profile(cfg)
        return vae.from_profile(cfg, extra_dense=extra_dense)

    result = fit(model_fn, train_b, val_b, epochs or (cfg.epochs if kind == "ae" else
                                                      cfg.vae_epochs),
                 run.path / "models", name, mixed_precision=cfg.mixed_precision, **kwargs)
    run.save_model(f"models/{name}.keras", result.model, source=dataset.source)
    run.save_json(f"models/{name}_history.json",
                  {"history": result.history, "epoch_seconds": result.epoch_seconds,
                   "initial_epoch": result.initial_epoch})
    return result


def summary(result: TrainResult, prefix: str = "") -> dict:
    """The values a notebook records about a training run."""
    h = result.history
    out = {
        f"{prefix}loss_first_epoch": h["loss"][0],
        f"{prefix}loss_last_epoch": h["loss"][-1],
        f"{prefix}val_loss_last_epoch": h["val_loss"][-1],
        f"{prefix}seconds_per_epoch": round(result.seconds_per_epoch, 3),
        f"{prefix}epochs": result.epochs,
    }
    for key in ("reconstruction", "kl"):
        if key in h:
            out[f"{prefix}{key}_last_epoch"] = h[key][-1]
            out[f"{prefix}val_{key}_last_epoch"] = h[f"val_{key}"][-1]
    return out


def train_vae_variants(cfg, run: RunDir, dataset, **kwargs) -> dict[str, TrainResult]:
    """The VAE with the extra Dense layer (size z_dim) and, where the profile allows
    (``vae_compare_without_dense``), the VAE without it; keys "vae" and "vae_nodense"."""
    out = {"vae": train(cfg, run, dataset, "vae", extra_dense=cfg.z_dim, name="vae", **kwargs)}
    if cfg.vae_compare_without_dense:
        out["vae_nodense"] = train(cfg, run, dataset, "vae", extra_dense=None,
                                   name="vae_nodense", **kwargs)
    return out


def variants_table(results: dict[str, TrainResult]) -> dict[str, dict]:
    """{variant: summary + encoder parameter count} for the VAE comparison."""
    return {name: {**summary(r), "encoder_params": int(r.model.encoder.count_params())}
            for name, r in results.items()}
