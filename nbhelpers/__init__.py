"""nbhelpers: every computation behind the latent-space notebook series.

A notebook starts with ``cfg, run = nbhelpers.begin("NN_name", profile, run_dir, data, overrides)``
and then makes a few calls into the series' steps (``nbhelpers.steps``) and the libraries below
them (``data``, ``models``, ``latent``, ``plots``).

Layers, top to bottom (import-linter checks them in ``make test``): ``runner`` and ``widgets``;
``steps``; the libraries ``data``, ``models``, ``latent``, ``plots``, ``resources``, ``store``,
``colab``, ``config``; the bottom layer ``core``. Importing this package stays light: nothing
below is imported until it is used, so ``import nbhelpers.latent`` never loads Keras.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # keep TensorFlow's C++ start-up chatter out

__version__ = "0.1.0"

_SUBMODULES = ("config", "store", "data", "models", "latent", "plots", "resources", "runner",
               "widgets", "colab", "steps", "core")


def begin(notebook: str, profile: str = "default", run_dir=None, data=None, overrides=None,
          **more):
    """Open ``notebook``'s run: returns ``(cfg, run)`` (``steps.session.begin``). It also starts
    the memory monitor (``monitor.MemoryMonitor``) and records the notebook's self-checks
    (``selfcheck.run``), which ``regression.self_check_departures`` compares with
    baselines/self_checks.json when the run is checked."""
    from .steps.session import begin as _begin

    return _begin(notebook, profile, run_dir, data, overrides, **more)


def end() -> None:
    """Close the notebook: the resource line, recorded (``steps.session.end``)."""
    from .steps.session import end as _end

    _end()


def record_all(values: dict) -> dict:
    """``record`` every item of ``values`` (``steps.session.record_all``)."""
    from .steps.session import record_all as _record_all

    return _record_all(values)


def seed_everything(seed: int) -> None:
    """Seed Python, numpy and Keras from one number (``steps.session.seed_everything``)."""
    from .steps.session import seed_everything as _seed

    _seed(seed)


def record(key, value):
    """Store a JSON-able ``value`` under the current notebook's ``key`` (declared in
    ``nbhelpers.keys``) in results.json."""
    from .store import record as _record

    return _record(key, value)


def read_results(run_dir):
    """``{notebook: {name: value}}`` of a run directory ({} if nothing was recorded)."""
    from .store import read_results as _read

    return _read(run_dir)


def __getattr__(name: str):
    """Import subpackages on first use (``nbh.plots``), so that ``import nbhelpers`` stays light
    and a notebook's ``data`` parameter never shadows the ``data`` subpackage."""
    import importlib

    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["begin", "end", "record_all", "record", "read_results", "seed_everything"]
