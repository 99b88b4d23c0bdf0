"""Shared by the benchmark scripts: import path, quiet TensorFlow, peak RSS, JSON results."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
RESULTS = Path(__file__).resolve().parent / "results"


def current_rss() -> int:
    import psutil

    return psutil.Process().memory_info().rss


def rss_split() -> dict:
    """Anonymous and file-backed parts of the RSS, in MB (Linux /proc/self/status)."""
    out = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("RssAnon", "RssFile")):
                key, val = line.split(":")
                out[key] = round(int(val.split()[0]) / 1024)
    return out


class RSSWatcher:
    """Peak RSS inside a block (sampled every 50 ms), unlike ru_maxrss, which never resets."""

    def __init__(self, interval: float = 0.05):
        import psutil

        self._proc, self.interval, self.peak = psutil.Process(), interval, 0
        self._stop = threading.Event()

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss)
            time.sleep(self.interval)

    def __enter__(self):
        self.peak = self._proc.memory_info().rss
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, self._proc.memory_info().rss)


def save(name: str, result: dict) -> dict:
    """Write ``result`` (plus the core count and the 1-minute load average, which says how quiet
    the machine was) atomically to results/<name>.json and print it."""
    from nbhelpers.core.files import atomic_write_json

    RESULTS.mkdir(exist_ok=True)
    result = {**result, "cpus": os.cpu_count(), "load_1min_at_end": round(os.getloadavg()[0], 2)}
    atomic_write_json(RESULTS / f"{name}.json", result)
    print(json.dumps(result, indent=2))
    return result
