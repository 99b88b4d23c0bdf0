import os
import signal
import subprocess
import sys
import textwrap
import time

import keras
import numpy as np
import pytest

from nbhelpers.models import build_autoencoder
from nbhelpers.models import fit as training

pytestmark = pytest.mark.slow  # trains models or executes notebooks

WORKER = textwrap.dedent("""
    import sys, time, numpy as np, keras
    from nbhelpers.models import build_autoencoder
    from nbhelpers.models import fit as training
    out, sleep_at = sys.argv[1], int(sys.argv[2])
    x = np.random.default_rng(0).random((64, 16, 16, 3)).astype("float32")

    class Sleeper(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == sleep_at:
                open(out + "/reached", "w").write(str(epoch))
                time.sleep(120)

    r = training.fit(lambda: build_autoencoder((16, 16, 3), 4, filters=(4, 4, 4, 4)), (x, x),
                     (x[:16], x[:16]), 4, out, "ae", callbacks=[Sleeper()], verbose=0,
                     memory_lines=False)
    print("initial", r.initial_epoch, "epochs", r.epochs)
""")


def _tiny():
    return build_autoencoder((16, 16, 3), 4, filters=(4, 4, 4, 4))


def _xy():
    x = np.random.default_rng(0).random((64, 16, 16, 3)).astype(np.float32)
    return (x, x), (x[:16], x[:16])


class Boom(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        if epoch == 2:
            raise RuntimeError("session died")


def test_training_stopped_after_epoch_2_continues_at_epoch_3(tmp_path):
    train, val = _xy()
    with pytest.raises(RuntimeError, match="session died"):
        training.fit(_tiny, train, val, 4, tmp_path, "ae", callbacks=[Boom()], verbose=0)
    assert len(training.read_history(tmp_path / "ae_history.csv")["loss"]) == 2
    result = training.fit(_tiny, train, val, 4, tmp_path, "ae", verbose=0)
    assert result.initial_epoch == 2 and len(result.epoch_seconds) == 2  # epochs 3 and 4 only
    assert result.epochs == 4 and len(result.history["val_loss"]) == 4  # the full history
    assert not (tmp_path / "ae_backup").exists()
    assert (tmp_path / "ae_best.keras").exists()


def test_partial_last_history_line_is_dropped_on_resume(tmp_path):
    train, val = _xy()
    with pytest.raises(RuntimeError, match="session died"):
        training.fit(_tiny, train, val, 4, tmp_path, "ae", callbacks=[Boom()], verbose=0)
    csv_path = tmp_path / "ae_history.csv"
    with open(csv_path, "a") as fh:
        fh.write("2,0.4")  # killed while CSVLogger wrote epoch 3's row: no newline
    result = training.fit(_tiny, train, val, 4, tmp_path, "ae", verbose=0)
    lines = csv_path.read_text().splitlines()
    assert len(lines) == 5 and all(len(ln.split(",")) == 3 for ln in lines)
    assert result.epochs == 4 and all(0 < v < 1 for v in result.history["loss"])


class DieAfterLastEpoch(keras.callbacks.Callback):
    """Dies after the backup of the last epoch was written, before training ended."""

    def on_epoch_end(self, epoch, logs=None):
        if epoch == 1:
            raise RuntimeError("died after the last epoch")


def test_resume_with_no_epoch_left_records_null_with_a_reason(tmp_path):
    import json

    from nbhelpers import store
    from nbhelpers.steps.training import summary

    train, val = _xy()
    with pytest.raises(RuntimeError, match="died after the last epoch"):
        training.fit(_tiny, train, val, 2, tmp_path, "ae", callbacks=[DieAfterLastEpoch()],
                     verbose=0)
    result = training.fit(_tiny, train, val, 2, tmp_path, "ae", verbose=0)
    assert result.seconds_per_epoch is None and result.epochs == 2
    s = summary(result)
    assert s["seconds_per_epoch"] is None and "no epoch ran" in s["seconds_per_epoch_note"]
    run = store.RunDir(tmp_path / "run", "01_x")
    for k, v in s.items():
        run.record(k, v)

    def strict(c):
        raise AssertionError(f"non-strict constant {c}")

    json.loads((tmp_path / "run" / "results.json").read_text(), parse_constant=strict)


def test_sigkilled_training_resumes(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    proc = subprocess.Popen([sys.executable, "-c", WORKER, str(tmp_path), "2"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    while not (tmp_path / "reached").exists():
        assert proc.poll() is None and time.time() < deadline, "worker died before epoch 3"
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert len(training.read_history(tmp_path / "ae_history.csv")["loss"]) == 2
    again = subprocess.run([sys.executable, "-c", WORKER, str(tmp_path), "-1"], env=env,
                           capture_output=True, text=True, timeout=240)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "initial 2 epochs 4" in again.stdout


def test_nan_loss_stops_with_advice(tmp_path):
    train, val = _xy()
    bad = (np.full_like(train[0], np.nan), train[1])
    with pytest.raises(FloatingPointError, match="Lower learning_rate"):
        training.fit(_tiny, bad, val, 2, tmp_path, "ae", verbose=0)


MIRRORED = textwrap.dedent("""
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()])
    import numpy as np
    from nbhelpers import resources
    from nbhelpers.models import build_autoencoder
    from nbhelpers.models import fit as training
    strategy = resources.distribution_strategy(["/cpu:0", "/cpu:1"])
    x = np.random.default_rng(0).random((64, 16, 16, 3)).astype("float32")
    r = training.fit(lambda: build_autoencoder((16, 16, 3), 4, filters=(4, 4, 4, 4)), (x, x),
                     (x[:16], x[:16]), 1, sys.argv[1], "ae", strategy=strategy, verbose=0,
                     memory_lines=False)
    print("replicas", strategy.num_replicas_in_sync, "epochs", r.epochs, "loss", r.history["loss"][0])
""")


@pytest.mark.skipif(keras.backend.backend() != "tensorflow",
                    reason="tf.distribute.MirroredStrategy is TensorFlow's (README: backends)")
def test_mirrored_strategy_over_two_logical_cpus_trains_one_epoch(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    proc = subprocess.run([sys.executable, "-c", "import sys\n" + MIRRORED, str(tmp_path)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("replicas")][0]
    assert line.startswith("replicas 2 epochs 1 loss")
    assert np.isfinite(float(line.split()[-1]))


def test_memory_line_logs_each_epoch():
    cb = training.MemoryLine(verbose=False)
    model = build_autoencoder((16, 16, 3), 4, filters=(4, 4, 4, 4))
    x = np.zeros((8, 16, 16, 3), np.float32)
    model.fit(x, x, epochs=2, verbose=0, callbacks=[cb])
    assert len(cb.lines) == 2 and cb.lines[1].startswith("epoch 2: RAM: process")


def test_memory_line_starts_on_its_own_line_after_a_progress_bar(capsys):
    from nbhelpers.models.fit import MemoryLine

    MemoryLine(after_progress_bar=True).on_epoch_end(0)
    MemoryLine().on_epoch_end(1)
    out = capsys.readouterr().out
    assert out.startswith("\nepoch 1: RAM: process") and "\nepoch 2: RAM: process" in out


def test_the_epoch_line_says_how_long_the_rest_of_the_training_takes():
    """Three epochs timed at 10, 20 and 30 s, 12 to run: 9 left at the mean 20 s is 3 min; the
    fit's own line carries it, counted from the epochs it timed."""
    from nbhelpers.models.fit import EpochTimer, MemoryLine, time_left

    assert time_left([10.0, 20.0, 30.0], 3, 12) == ("about 3 min left in this training "
                                                    "(20 s an epoch, epoch 3 of 12)")
    assert time_left([4.0], 1, 3).startswith("about 8 s left") and time_left([], 0, 3) == ""
    assert time_left([4.0], 3, 3).startswith("about 0 s left")
    timer = EpochTimer()
    cb = MemoryLine(verbose=False, timer=timer, epochs=3)
    model = build_autoencoder((16, 16, 3), 4, filters=(4, 4, 4, 4))
    x = np.zeros((8, 16, 16, 3), np.float32)
    model.fit(x, x, epochs=3, verbose=0, callbacks=[timer, cb])
    assert len(timer.seconds) == 3 and all("left in this training" in ln for ln in cb.lines)
    assert cb.lines[0].endswith("epoch 1 of 3)") and cb.lines[2].endswith("epoch 3 of 3)")
