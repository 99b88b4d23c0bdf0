"""Fitting a model with progress, CSV history, best checkpoint, NaN guard and resumption.

``fit`` wraps ``model.fit`` with:
- a progress bar (Keras' own; one line per epoch when no frontend is attached, e.g. papermill);
- ``<name>_history.csv``: one row per finished epoch, kept across resumed runs (the full history);
- ``<name>_best.keras``: the model with the lowest validation loss, written atomically;
- a NaN guard that stops and raises with a message that says what to change;
- ``BackupAndRestore``: a run killed mid-training (a Colab disconnect, SIGKILL) continues at the
  last finished epoch when started again; the backup folder may live on Google Drive;
- optional mixed precision (the Decoder's sigmoid output stays float32);
- a line per epoch (``MemoryLine``): memory (``resources.snapshot``) and how long the rest of
  this training will take at the epochs' mean time so far (``time_left``);
- ``tf.distribute.MirroredStrategy`` when more than one GPU is visible (or when asked for).
"""

from __future__ import annotations

import csv
import os
import shutil
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np

from .. import resources
from ..core.display import has_frontend
from ..core.files import atomic_path


@dataclass
class TrainResult:
    model: keras.Model
    history: dict[str, list[float]]
    seconds_per_epoch: float | None  # None: no epoch ran in this call (resumed after the last)
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


def time_left(epoch_seconds: list[float], done: int, epochs: int) -> str:
    """'about 6 min left in this training (12 s an epoch, epoch 3 of 32)': the epochs still to
    run times the mean time of the epochs timed so far ('' before the first)."""
    if not epoch_seconds:
        return ""
    per = sum(epoch_seconds) / len(epoch_seconds)
    left = per * max(epochs - done, 0)
    amount = f"{left / 60:.0f} min" if left >= 90 else f"{left:.0f} s"
    return f"about {amount} left in this training ({per:.0f} s an epoch, epoch {done} of {epochs})"


class MemoryLine(keras.callbacks.Callback):
    """A line per epoch: memory (``resources.snapshot``) and, with the fit's ``EpochTimer`` and
    its number of epochs, the time left (``time_left``); warns near the RAM limit."""

    def __init__(self, warn_fraction: float = 0.9, verbose: bool = True,
                 after_progress_bar: bool = False, timer: EpochTimer | None = None,
                 epochs: int | None = None):
        super().__init__()
        self.warn_fraction, self.verbose = warn_fraction, verbose
        self.timer, self.epochs = timer, epochs
        # Keras' progress bar (verbose=1, in Jupyter) has not ended its line when the epoch's
        # callbacks run: start the memory line on a line of its own
        self.after_progress_bar = after_progress_bar
        self.lines: list[str] = []

    def on_epoch_end(self, epoch, logs=None):
        snap = resources.snapshot()
        line = f"epoch {epoch + 1}: {snap.line()}"
        if self.timer is not None and self.epochs:
            left = time_left(self.timer.seconds, epoch + 1, self.epochs)
            line += f" | {left}" if left else ""
        self.lines.append(line)
        if self.verbose:
            print(("\n" if self.after_progress_bar else "") + line)
        if snap.ram_fraction > self.warn_fraction:
            warnings.warn(f"RAM is {snap.ram_fraction:.0%} used ({snap.ram_available / resources.GB:.1f} "
                          f"GB available): lower batch_size or n_images before the kernel dies",
                          ResourceWarning, stacklevel=2)


def state_bytes(model: keras.Model) -> dict[str, int]:
    """Bytes of a model's weights and of its optimizer's state (Adam: two slots per trainable
    weight, plus its counters); the optimizer is built first where it has not been."""
    weights = sum(int(np.prod(v.shape)) * np.dtype(v.dtype).itemsize for v in model.weights)
    opt = getattr(model, "optimizer", None)
    if opt is None:
        return {"weights": weights, "optimizer": 0, "total": weights}
    if not getattr(opt, "built", False):
        opt.build(model.trainable_variables)
    optimizer = sum(int(np.prod(v.shape)) * np.dtype(v.dtype).itemsize for v in opt.variables)
    return {"weights": weights, "optimizer": optimizer, "total": weights + optimizer}


def repair_history(csv_path: str | os.PathLike) -> bool:
    """Drop a partial last line (no newline: the process died while CSVLogger wrote it), so a
    resumed run's next row is not glued onto it. Returns whether anything was dropped."""
    path = Path(csv_path)
    if not path.exists() or path.stat().st_size == 0:
        return False
    data = path.read_bytes()
    if data.endswith(b"\n"):
        return False
    with atomic_path(path) as tmp:
        tmp.write_bytes(data[:data.rfind(b"\n") + 1])
    return True


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
    then fed in ``batch_size`` batches. The returned history is read back from the CSVLogger's
    file (``read_history``), so a fit resumed after a crash reports every epoch, not only the
    ones since the restart.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    backup = Path(backup_dir) if backup_dir else out_dir / f"{name}_backup"
    history_csv = out_dir / f"{name}_history.csv"
    if not backup.exists() and history_csv.exists():
        history_csv.unlink()  # a fresh start: the old history belongs to another run
    repair_history(history_csv)
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
        verbose = 1 if has_frontend() else 2
    guard, timer = NaNGuard(), EpochTimer()
    cbs = [guard, timer, keras.callbacks.CSVLogger(str(history_csv), append=True),
           keras.callbacks.BackupAndRestore(str(backup), double_checkpoint=True),
           AtomicBestCheckpoint(out_dir / f"{name}_best.keras")]
    if memory_lines:
        cbs.append(MemoryLine(verbose=bool(verbose), after_progress_bar=verbose == 1,
                              timer=timer, epochs=epochs))  # after the timer: it has timed the epoch
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
                       float(np.mean(timer.seconds)) if timer.seconds else None,
                       initial, timer.seconds)


def timed_epoch(model: keras.Model, batches) -> float:
    """Seconds of one epoch of ``model.fit`` over ``batches``, timed on the second of two epochs
    (the first pays for tracing and compiling the step)."""
    model.fit(batches, epochs=1, verbose=0)
    t0 = time.perf_counter()
    model.fit(batches, epochs=1, verbose=0)
    return time.perf_counter() - t0
