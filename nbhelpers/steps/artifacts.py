"""Keras models in the run directory: saved atomically and registered, loaded after verification."""

from __future__ import annotations

from ..store import RunDir


def save_model(run: RunDir, rel: str, model, source: str | None = None):
    """Save ``model`` as ``rel`` (.keras), atomically, with its parameter count in the manifest."""
    return run.save_file(rel, model.save, suffix=".keras", source=source,
                         params=int(model.count_params()))


def load_model(run: RunDir, rel: str, compile: bool = True):
    """Load the .keras file ``rel`` after checking its hash against the manifest."""
    import keras

    from .. import models  # noqa: F401  (registers the custom objects)

    return keras.models.load_model(run.verified_path(rel), compile=compile)
