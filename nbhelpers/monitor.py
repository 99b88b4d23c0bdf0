"""RAM and VRAM of the kernel that does the work, in view while it works.

``MemoryMonitor`` samples, from a background thread, this process' RSS, the machine's available
RAM and each GPU's used VRAM (NVML), and keeps them as a CSV (``time, rss_gb, available_gb,
total_gb, vram_used_gb, vram_total_gb, mark``); code cells (IPython's ``pre_run_cell``) and the
clear-and-collect cycles of notebooks 05, 07 and 08 (``mark``) leave a row with their name, so a
timeline shows where memory went. In Jupyter with a widget frontend it shows one live line; under
papermill it writes the same samples silently. ``nbh.begin()`` starts one for every notebook
(``logs/memory-<notebook>.csv`` in the run) and ``nbh.end()`` stops it; ``read_log`` reads a log
back for the report's memory timeline (``plots.memory_timeline``).

It imports neither TensorFlow nor Keras (psutil and NVML only), so it costs a kernel nothing
before the first model is built: Colab's free VM has 12.7 GB.
"""

from __future__ import annotations

import csv
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

GB = 1024**3
COLAB_RAM_GB, T4_VRAM_GB = 12.7, 15.0  # Colab's free tier: its VM's RAM, its T4's memory
FIELDS = ("time", "rss_gb", "available_gb", "total_gb", "vram_used_gb", "vram_total_gb", "mark")
_ACTIVE: MemoryMonitor | None = None


def _vram() -> tuple[float | None, float | None]:
    """(used, total) GB over all GPUs NVML sees, or (None, None) without a GPU or NVML."""
    try:
        import pynvml

        pynvml.nvmlInit()
    except Exception:  # no package, no driver, no device: no VRAM, never an error
        return None, None
    try:
        used = total = 0
        for i in range(pynvml.nvmlDeviceGetCount()):
            mem = pynvml.nvmlDeviceGetMemoryInfo(pynvml.nvmlDeviceGetHandleByIndex(i))
            used, total = used + mem.used, total + mem.total
        return (used / GB, total / GB) if total else (None, None)
    except Exception:
        return None, None
    finally:
        try:
            pynvml.nvmlShutdown()
        except Exception:
            pass


@dataclass(frozen=True)
class Sample:
    time: float
    rss_gb: float
    available_gb: float
    total_gb: float
    vram_used_gb: float | None
    vram_total_gb: float | None
    mark: str = ""

    def line(self) -> str:
        vram = ("" if self.vram_used_gb is None else
                f" | VRAM {self.vram_used_gb:.1f}/{self.vram_total_gb:.1f} GB")
        return (f"RAM: kernel {self.rss_gb:.2f} GB, machine {self.available_gb:.1f} of "
                f"{self.total_gb:.1f} GB available{vram}")


def sample(mark: str = "") -> Sample:
    vm = psutil.virtual_memory()
    used, total = _vram()
    return Sample(time.time(), psutil.Process().memory_info().rss / GB, vm.available / GB,
                  vm.total / GB, used, total, mark)


class MemoryMonitor:
    """Samples every ``interval`` seconds into ``log`` (a CSV; None: kept in memory only) and,
    where a widget frontend shows it, a live line; ``mark`` adds a named row (a cell, a
    cycle); ``stop`` ends the thread, which never outlives the kernel (daemon)."""

    def __init__(self, log: str | os.PathLike | None = None, interval: float = 1.0,
                 show: bool | None = None):
        self.log = None if log is None else Path(log)
        self.interval, self.show = interval, show
        self.samples: list[Sample] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._widget = None
        self._cell = 0

    def _write(self, s: Sample) -> None:
        with self._lock:
            self.samples.append(s)
            if self.log is not None:
                new = not self.log.exists()
                with open(self.log, "a", newline="", encoding="utf-8") as f:
                    w = csv.writer(f)
                    if new:
                        w.writerow(FIELDS)
                    w.writerow([f"{s.time:.2f}", f"{s.rss_gb:.4f}", f"{s.available_gb:.4f}",
                                f"{s.total_gb:.3f}",
                                "" if s.vram_used_gb is None else f"{s.vram_used_gb:.4f}",
                                "" if s.vram_total_gb is None else f"{s.vram_total_gb:.3f}",
                                s.mark])
        if self._widget is not None:
            self._widget.value = s.line()

    def mark(self, label: str) -> None:
        """A row named ``label`` now (a cell starting, a clear-and-collect cycle)."""
        self._write(sample(label))

    def _cell_started(self, *_args, **_kwargs) -> None:
        self._cell += 1
        self.mark(f"cell {self._cell}")

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self._write(sample())
            except OSError:  # the log's disk is gone: keep sampling in memory
                self.log = None

    def start(self) -> MemoryMonitor:
        global _ACTIVE
        if self.log is not None:
            self.log.parent.mkdir(parents=True, exist_ok=True)
        from .core.display import has_frontend

        if self.show if self.show is not None else has_frontend():
            import ipywidgets as w  # ipywidgets 7 (Colab) and 8 alike
            from IPython.display import display

            self._widget = w.HTML()
            display(self._widget)
        try:
            from IPython import get_ipython

            ip = get_ipython()
            if ip is not None:
                ip.events.register("pre_run_cell", self._cell_started)
        except ImportError:
            pass
        self.mark("start")
        self._thread = threading.Thread(target=self._loop, daemon=True, name="memory_monitor")
        self._thread.start()
        _ACTIVE = self
        return self

    def stop(self) -> list[Sample]:
        global _ACTIVE
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval + 1)
        try:
            from IPython import get_ipython

            ip = get_ipython()
            if ip is not None:
                ip.events.unregister("pre_run_cell", self._cell_started)
        except (ImportError, ValueError):
            pass
        self.mark("end")
        if _ACTIVE is self:
            _ACTIVE = None
        return self.samples


def active() -> MemoryMonitor | None:
    """The monitor this kernel runs (``nbh.begin`` starts it), or None."""
    return _ACTIVE


def mark(label: str) -> None:
    """A named row in the active monitor's log, if there is one."""
    if _ACTIVE is not None:
        _ACTIVE.mark(label)


def read_log(path: str | os.PathLike) -> list[Sample]:
    """The samples of a monitor's CSV log (rows that do not parse are skipped)."""
    out = []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            try:
                out.append(Sample(float(row["time"]), float(row["rss_gb"]),
                                  float(row["available_gb"]), float(row["total_gb"]),
                                  float(row["vram_used_gb"]) if row["vram_used_gb"] else None,
                                  float(row["vram_total_gb"]) if row["vram_total_gb"] else None,
                                  row.get("mark") or ""))
            except (KeyError, TypeError, ValueError):
                continue
    return out
