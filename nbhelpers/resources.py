"""RAM and VRAM: snapshots, memory release, the distribution strategy.

Colab's free tier gives about 12.7 GB of RAM (11 usable) and a 15 GB T4; a notebook that does not
watch both dies without a useful message. ``snapshot()`` reads the process RSS and system memory
through psutil, the GPUs through NVIDIA's own NVML bindings (``nvidia-ml-py``, imported as
``pynvml``) and, where TensorFlow sees a GPU, its allocator's current and peak bytes. A missing GPU
or driver is reported in the snapshot, never raised.

This is the only module that imports TensorFlow directly (for the GPU allocator figures and for
enabling memory growth); everything else talks to Keras.
"""

from __future__ import annotations

import ctypes
import gc
import os
import sys
import time
from dataclasses import dataclass, field

import psutil

from . import monitor

GB = 1024**3


@dataclass
class GPUInfo:
    index: int
    name: str
    used: int
    total: int
    alloc_current: int | None = None  # the framework allocator's bytes now and at its peak
    alloc_peak: int | None = None
    allocator: str | None = None  # "TensorFlow", "JAX" or "PyTorch"


@dataclass
class Snapshot:
    rss: int
    ram_used: int
    ram_available: int
    ram_total: int
    gpus: list[GPUInfo] = field(default_factory=list)
    gpu_status: str = "no GPU"
    rss_peak: int | None = None
    time: float = field(default_factory=time.time)

    @property
    def ram_fraction(self) -> float:
        return self.ram_used / self.ram_total if self.ram_total else 0.0

    def line(self) -> str:
        """One line of text, e.g. ``RAM: process 1.2 GB, system 5.1/12.7 GB (6.9 free) | GPU0 ...``."""
        peak = f" (peak {self.rss_peak / GB:.2f})" if self.rss_peak else ""
        text = (f"RAM: process {self.rss / GB:.2f} GB{peak}, system {self.ram_used / GB:.1f}/"
                f"{self.ram_total / GB:.1f} GB ({self.ram_available / GB:.1f} GB available)")
        if not self.gpus:
            return f"{text} | {self.gpu_status}"
        for g in self.gpus:
            text += f" | GPU{g.index} {g.name}: {g.used / GB:.1f}/{g.total / GB:.1f} GB"
            if g.alloc_peak is not None:
                now = "" if g.alloc_current is None else f"now {g.alloc_current / GB:.2f}, "
                text += f" ({g.allocator} {now}peak {g.alloc_peak / GB:.2f} GB)"
        return text

    def summary(self) -> dict:
        """The figures worth keeping in results.json, in GB (3 decimals)."""
        def gb(v):
            return None if v is None else round(v / GB, 3)

        return {"rss_gb": gb(self.rss), "rss_peak_gb": gb(self.rss_peak),
                "ram_used_gb": gb(self.ram_used), "ram_total_gb": gb(self.ram_total),
                "gpus": [{"name": g.name, "used_gb": gb(g.used), "total_gb": gb(g.total),
                          "allocator": g.allocator, "alloc_peak_gb": gb(g.alloc_peak)}
                         for g in self.gpus],
                "gpu_status": self.gpu_status}

    def __str__(self) -> str:
        return self.line()


def _nvml_gpus() -> tuple[list[GPUInfo], str]:
    try:
        import pynvml
    except ImportError:
        return [], "no GPU (nvidia-ml-py not installed)"
    try:
        pynvml.nvmlInit()
    except Exception as exc:  # no driver, no device: a report, never an error
        return [], f"no GPU (NVML unavailable: {exc.__class__.__name__})"
    try:
        out = []
        for i in range(pynvml.nvmlDeviceGetCount()):
            handle = pynvml.nvmlDeviceGetHandleByIndex(i)
            mem = pynvml.nvmlDeviceGetMemoryInfo(handle)
            name = pynvml.nvmlDeviceGetName(handle)
            name = name.decode() if isinstance(name, bytes) else name
            out.append(GPUInfo(i, name, int(mem.used), int(mem.total)))
        return out, f"{len(out)} GPU(s)" if out else "no GPU (NVML found no device)"
    except Exception as exc:
        return [], f"no GPU (NVML error: {exc})"
    finally:
        try:
            pynvml.nvmlShutdown()
        except Exception:
            pass


def _allocator_peaks(gpus: list[GPUInfo]) -> None:
    """Add the framework allocator's figures per GPU, from whichever of TensorFlow, JAX and
    PyTorch is already imported (none is imported here): TensorFlow's ``get_memory_info``, JAX's
    ``Device.memory_stats``, PyTorch's ``cuda.memory_allocated``/``max_memory_allocated``."""
    import sys

    if not gpus:
        return
    for g in gpus:
        try:
            if "tensorflow" in sys.modules:
                tf = sys.modules["tensorflow"]
                info = tf.config.experimental.get_memory_info(f"GPU:{g.index}")
                g.alloc_current, g.alloc_peak = int(info["current"]), int(info["peak"])
                g.allocator = "TensorFlow"
            elif "jax" in sys.modules:
                dev = [d for d in sys.modules["jax"].devices() if d.platform == "gpu"][g.index]
                stats = dev.memory_stats() or {}
                g.alloc_current = stats.get("bytes_in_use")
                g.alloc_peak, g.allocator = stats.get("peak_bytes_in_use"), "JAX"
            elif "torch" in sys.modules and sys.modules["torch"].cuda.is_available():
                cuda = sys.modules["torch"].cuda
                g.alloc_current = cuda.memory_allocated(g.index)
                g.alloc_peak, g.allocator = cuda.max_memory_allocated(g.index), "PyTorch"
        except Exception:  # a report, never an error
            pass


def peak_rss() -> int | None:
    """The most RAM this process has held so far (getrusage's ru_maxrss; None where the platform
    has no ``resource`` module, i.e. Windows). In a notebook kernel that is the notebook's peak."""
    try:
        import resource
    except ImportError:
        return None
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)  # bytes on macOS, KB on Linux


def snapshot() -> Snapshot:
    """RAM of this process and the system, VRAM per GPU; never raises for a missing GPU."""
    vm = psutil.virtual_memory()
    gpus, status = _nvml_gpus()
    _allocator_peaks(gpus)
    return Snapshot(
        rss=psutil.Process().memory_info().rss,
        ram_used=int(vm.total - vm.available),
        ram_available=int(vm.available),
        ram_total=int(vm.total),
        gpus=gpus,
        gpu_status=status,
        rss_peak=peak_rss(),
    )


def enable_gpu_memory_growth() -> None:
    """Let TensorFlow take GPU memory as needed instead of all of it (no-op without a GPU)."""
    if os.environ.get("KERAS_BACKEND", "tensorflow") != "tensorflow" or not _nvml_gpus()[0]:
        return  # no GPU: nothing to configure, and no reason to import TensorFlow here
    try:
        import tensorflow as tf

        for gpu in tf.config.list_physical_devices("GPU"):
            tf.config.experimental.set_memory_growth(gpu, True)
    except Exception:  # already initialised, or no TensorFlow: nothing to do
        pass


def release_memory() -> tuple[int, int]:
    """Clear the Keras session and collect garbage; return the process RSS before and after.
    On glibc, ``malloc_trim`` then hands freed heap pages back to the system (without it the
    RSS of a kernel that trains model after model keeps the high-water mark of each)."""
    before = psutil.Process().memory_info().rss
    try:
        import keras

        keras.backend.clear_session()
    except Exception:
        pass
    gc.collect()
    _malloc_trim()
    return before, psutil.Process().memory_info().rss


def _malloc_trim() -> None:
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):  # another C library (musl): nothing to trim
            pass


def live_keras_models() -> int:
    """How many Keras models the Python process still references (0 where Keras is not loaded)."""
    keras = sys.modules.get("keras")
    if keras is None:
        return 0
    model = keras.Model  # type(), not isinstance: a dead weak proxy raises on __class__
    return sum(issubclass(type(o), model) for o in gc.get_objects())


class MemoryCycles:
    """The Colab practice between models trained or used one after another in one kernel: after
    each, clear the Keras session and collect garbage (``release_memory``), and keep the process
    RSS before and after, so that a record shows whether memory stays flat across the cycles."""

    def __init__(self):
        self.rows: list[dict] = []

    def after(self, name: str) -> dict:
        """Release memory after model ``name``; the row {model, rss_before_gb, rss_after_gb,
        live_models}: the last counts the Keras models Python still holds (0 when the cycle
        freed every model the caller let go; RSS growth with 0 is the backend's own)."""
        before, after = release_memory()
        monitor.mark(f"cleared: {name}")  # the cycle on the kernel's memory timeline
        row = {"model": name, "rss_before_gb": round(before / GB, 3),
               "rss_after_gb": round(after / GB, 3), "live_models": live_keras_models()}
        self.rows.append(row)
        return row


def distribution_strategy(devices: list[str] | None = None):
    """``tf.distribute.MirroredStrategy`` over ``devices``, or over all GPUs when more than one is
    visible; None otherwise (and on non-TensorFlow backends)."""
    import keras

    if keras.backend.backend() != "tensorflow":
        return None
    import tensorflow as tf

    if devices:
        return tf.distribute.MirroredStrategy(devices)
    gpus = tf.config.list_logical_devices("GPU")
    return tf.distribute.MirroredStrategy() if len(gpus) > 1 else None
