import gc

import numpy as np
import psutil
import pytest

from nbhelpers import resources


def test_snapshot_without_nvml_reports_no_gpu(monkeypatch):
    import pynvml

    def broken():
        raise pynvml.NVMLError(pynvml.NVML_ERROR_LIBRARY_NOT_FOUND)

    monkeypatch.setattr(pynvml, "nvmlInit", broken)
    snap = resources.snapshot()
    assert snap.gpus == [] and snap.gpu_status.startswith("no GPU")
    vm = psutil.virtual_memory()
    assert snap.ram_total == vm.total and 0 < snap.rss < snap.ram_total
    assert snap.ram_used + snap.ram_available == snap.ram_total
    line = snap.line()
    assert line.startswith("RAM: process ") and "no GPU" in line


def test_peak_rss_follows_a_large_allocation():
    before = resources.peak_rss()
    rss = psutil.Process().memory_info().rss
    assert before >= rss * 0.99
    # enough to lift the peak by at least 300 MB above the old one, every page written
    block = np.ones((before - rss + 400 * 1024**2) // 8)
    during = psutil.Process().memory_info().rss
    del block
    after = resources.peak_rss()
    assert after >= during * 0.99 and after - before > 300 * 1024**2
    snap = resources.snapshot()
    assert snap.rss_peak >= after and "(peak " in snap.line()
    assert snap.summary()["rss_peak_gb"] == pytest.approx(snap.rss_peak / 1024**3, abs=1e-3)


def test_snapshot_on_this_machine_never_raises():
    snap = resources.snapshot()
    assert isinstance(snap.line(), str) and snap.ram_total > 0


def test_release_memory_keeps_rss_bounded_over_five_cycles():
    from nbhelpers.models import build_autoencoder

    rss = []
    for _ in range(5):
        model = build_autoencoder((32, 32, 3), 16)
        model(np.zeros((2, 32, 32, 3), "float32"))
        del model
        before, after = resources.release_memory()
        assert after <= before + 5e6  # releasing never grows memory noticeably
        rss.append(after)
    gc.collect()
    growth = rss[-1] - rss[1]  # the first cycle pays TensorFlow's one-off allocations
    print(f"RSS after each cycle (MB): {[round(r / 1e6) for r in rss]}, growth {growth / 1e6:.1f} MB")
    assert growth < 60e6


def test_memory_cycles_count_the_keras_models_python_still_holds():
    from nbhelpers.models import build_autoencoder

    kept = build_autoencoder((32, 32, 3), 8)  # the AE and its encoder and decoder: 3 models
    held = resources.MemoryCycles().after("kept")["live_models"]
    del kept
    freed = resources.MemoryCycles().after("freed")["live_models"]
    assert held - freed == 3
