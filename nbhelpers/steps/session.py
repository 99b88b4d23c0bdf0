"""Opening and closing a notebook of the series: parameters, seeds, run directory, resource lines."""

from __future__ import annotations

import dataclasses
import os
import platform
from importlib import metadata
from pathlib import Path

from .. import colab, config, monitor, resources, selfcheck, store
from ..core.display import enable_figure_display
from ..keys import Shared
from .artifacts import check_inputs


def seed_everything(seed: int) -> None:
    """Seed Python's ``random``, numpy's global generator and Keras (its backend's generator, and
    so the models' initial weights) from one number, so that two runs with one seed agree."""
    import keras

    keras.utils.set_random_seed(int(seed))


PACKAGES = ("tensorflow", "keras", "jax", "torch", "numpy", "scipy", "scikit-learn", "openTSNE",
            "matplotlib", "papermill")


def environment(cfg: config.Profile) -> dict:
    """What produced a run: profile and parameters, seed, data, library versions, the machine."""
    import keras

    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    snap = resources.snapshot()
    return {"profile": cfg.name, "seed": cfg.seed, "data_source": cfg.data_source,
            "host": colab.host(),
            "data": cfg.data, "keras_backend": keras.backend.backend(),
            "python": platform.python_version(), "versions": versions,
            "platform": platform.platform(), "cpu_count": os.cpu_count(),
            "gpus": [g.name for g in snap.gpus], "parameters": dataclasses.asdict(cfg)}


def begin(notebook: str, profile: str = "default", run_dir: str | os.PathLike | None = None,
          data: str | None = None, overrides: dict | None = None, **more):
    """Validate the parameters, seed, open the run directory for ``notebook``, print a resource
    line and start the kernel's memory monitor (``monitor.MemoryMonitor``: a live line in Jupyter,
    ``logs/memory-<notebook>.csv`` in the run for the report's memory timeline); run and record
    the notebook's self-checks (``selfcheck.run``), which the run's check compares with
    ``baselines/self_checks.json`` (``regression.self_check_departures``).

    Returns ``(cfg, run)``: the validated :class:`config.Profile` and the :class:`store.RunDir`.
    """
    enable_figure_display()
    cfg = config.load(profile, data=data, **{**(overrides or {}), **more})
    seed_everything(cfg.seed)
    run = store.open_run(run_dir or config.default_run_dir(profile), notebook)
    check_inputs(run, [notebook])  # the artifacts this notebook reads, before it starts
    if monitor.active() is not None:  # the notebook run again in the same kernel
        monitor.active().stop()
    monitor.MemoryMonitor(run.path / "logs" / f"memory-{notebook}.csv").start()
    checks = selfcheck.run(notebook)  # the notebook's functions on planted inputs
    if checks:
        run.record(Shared.SELF_CHECKS, checks)
    run.record_environment(environment(cfg))
    resources.enable_gpu_memory_growth()
    print(f"{notebook}: profile {cfg.name}, run directory {run.path}")
    print(resources.snapshot().line())
    return cfg, run


def record_all(values: dict) -> dict:
    """``record`` every item of ``values`` (a dict of key -> JSON-able value)."""
    return {k: store.record(k, v) for k, v in values.items()}


def persist(run: store.RunDir) -> list:
    """Copy what changed in the run to lasting storage, when the platform's setup named one
    (``NBHELPERS_KEEP``: Drive on Colab, ``colab_setup.py``), so a new VM resumes where this one
    stopped; every file atomically. Called by ``training.train``'s epoch-end callback after every
    epoch and by ``end`` at a notebook's end; elsewhere it does nothing."""
    target = os.environ.get("NBHELPERS_KEEP")
    if not target:
        return []
    return colab.sync_to_drive(run.path, Path(target) / run.path.name, progress=False)


def end() -> None:
    """Print the resource line at the end of a notebook and record it as ``resources`` (RSS now
    and at its peak, system RAM, VRAM per GPU), so each step's memory needs are in results.json.
    Returns nothing, so that the notebook's last cell does not show the line a second time."""
    if monitor.active() is not None:
        monitor.active().stop()
    snap = resources.snapshot()
    print(snap.line())
    if store.has_active_notebook():
        store.record(Shared.RESOURCES, snap.summary())
        persist(store.active_run())
