"""The kernel's memory monitor (``nbhelpers.monitor``): samples into a CSV with cells and
clear-and-collect cycles marked, a live line only where a frontend shows it, and no TensorFlow or
Keras imported to do so."""

import subprocess
import sys
import time

import numpy as np
import pytest

from nbhelpers import monitor


def test_importing_and_running_the_monitor_loads_neither_tensorflow_nor_keras(tmp_path):
    code = ("import sys; from nbhelpers import monitor; m = monitor.MemoryMonitor("
            f"{str(tmp_path / 'm.csv')!r}, interval=0.05).start(); m.stop(); "
            "print(sorted(k for k in ('tensorflow', 'keras', 'jax', 'torch') if k in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_samples_marks_and_the_log_read_back(tmp_path):
    log = tmp_path / "logs" / "memory-02_x.csv"
    m = monitor.MemoryMonitor(log, interval=0.05, show=False).start()
    assert monitor.active() is m
    big = np.ones((40, 2**20), np.uint8)  # 40 MB more while it samples
    time.sleep(0.3)
    monitor.mark("cleared: ae_x")  # what resources.MemoryCycles.after writes
    del big
    samples = m.stop()
    assert monitor.active() is None
    back = monitor.read_log(log)
    assert [s.mark for s in back] == [s.mark for s in samples]
    marks = [s.mark for s in back if s.mark]
    assert marks[0] == "start" and marks[-1] == "end" and "cleared: ae_x" in marks
    assert len(back) >= 5 and all(b.time >= a.time for a, b in zip(back, back[1:], strict=False))
    assert all(0 < s.rss_gb < s.total_gb and 0 < s.available_gb <= s.total_gb for s in back)
    assert max(s.rss_gb for s in back) - back[0].rss_gb > 0.03  # the 40 MB showed
    assert back[0].line().startswith("RAM: kernel ")


def test_memory_cycles_mark_the_active_monitor(tmp_path):
    from nbhelpers import resources

    m = monitor.MemoryMonitor(tmp_path / "m.csv", interval=10, show=False).start()
    resources.MemoryCycles().after("vae")
    assert "cleared: vae" in [s.mark for s in m.stop()]


def test_a_log_with_a_damaged_row_reads_the_rest(tmp_path):
    log = tmp_path / "m.csv"
    log.write_text(",".join(monitor.FIELDS) + "\n1.0,0.5,10,12.7,,,start\nbroken\n2.0,0.6,9,12.7,1,15,\n")
    back = monitor.read_log(log)
    assert [s.time for s in back] == [1.0, 2.0] and back[1].vram_total_gb == pytest.approx(15.0)
