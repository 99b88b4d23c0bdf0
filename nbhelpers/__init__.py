"""nbhelpers: every computation behind the latent-space notebook series.

A notebook starts with ``cfg, run = nbhelpers.begin("NN_name", profile, run_dir, data, overrides)``
and then makes a few calls into the subpackages: ``data``, ``models``, ``latent``, ``plots``.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's C++ start-up chatter out

from . import config, store
from .store import read_results, record

__version__ = "0.1.0"


def begin(notebook: str, profile: str = "default", run_dir: str | os.PathLike | None = None,
          data: str | None = None, overrides: dict | None = None, **more):
    """Validate the parameters, open the run directory for ``notebook`` and print a resource line.

    Returns ``(cfg, run)``: the validated :class:`config.Profile` and the :class:`store.RunDir`.
    """
    from . import resources, widgets

    widgets.enable_figure_display()
    cfg = config.load(profile, data=data, **{**(overrides or {}), **more})
    seed_everything(cfg.seed)
    run = store.open_run(run_dir or config.default_run_dir(profile), notebook)
    resources.enable_gpu_memory_growth()
    print(f"{notebook}: profile {cfg.name}, run directory {run.path}")
    print(resources.snapshot().line())
    return cfg, run


def seed_everything(seed: int) -> None:
    """Seed Python's ``random``, numpy's global generator and Keras (its backend's generator, and
    so the models' initial weights) from one number, so that two runs with one seed agree."""
    import keras

    keras.utils.set_random_seed(int(seed))


def record_all(values: dict) -> dict:
    """``record`` every item of ``values`` (a dict of name -> JSON-able value)."""
    return {k: record(k, v) for k, v in values.items()}


def end() -> str:
    """Print the resource line at the end of a notebook and record it as ``resources`` (RSS now
    and at its peak, system RAM, VRAM per GPU), so each step's memory needs are in results.json."""
    from . import resources

    snap = resources.snapshot()
    line = snap.line()
    print(line)
    if store.has_active_notebook():
        record("resources", snap.summary())
    return line


_SUBMODULES = ("data", "models", "latent", "plots", "resources", "runner", "widgets", "colab")


def __getattr__(name: str):
    """Import subpackages on first use (``nbh.data.prepare``) so that ``import nbhelpers`` stays
    light and a notebook's ``data`` parameter never shadows the ``data`` subpackage."""
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["begin", "end", "record_all", "config", "store", "record", "read_results"]
