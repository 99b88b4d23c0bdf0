"""A Keras decoder from outside the series, loaded in Keras' safe mode and checked against the
z-points and images it comes with, before anything is written."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..data.external import InputError


def check_decoder(path: str | Path, z_dim: int, image_shape: tuple[int, ...] | None = None,
                  z_sample: np.ndarray | None = None):
    """Load a Keras decoder (.keras, Keras' safe mode: no arbitrary code) and check that it
    takes ``z_dim`` inputs, draws ``image_shape`` images (H, W, 3) and, on ``z_sample``, gives
    values in [0, 1] as the series' decoders do. Returns the model."""
    p = Path(path).expanduser()
    if p.suffix.lower() != ".keras" or not p.is_file():
        raise InputError(f"{p}: expected a Keras decoder saved with model.save('decoder.keras')"
                         + ("" if p.is_file() else ", found no such file"))
    import keras

    from . import autoencoder, vae  # noqa: F401  (registers the series' custom layers)

    try:
        model = keras.models.load_model(p, compile=False)
    except Exception as exc:  # a broken or foreign file: say what Keras said
        raise InputError(f"{p}: Keras could not load it as a model ({type(exc).__name__}: "
                         f"{exc})") from None
    inputs = model.input_shape
    if not isinstance(inputs, tuple) or len(inputs) != 2 or inputs[-1] != z_dim:
        raise InputError(f"{p}: expected a decoder taking z-points of {z_dim} dimensions, found "
                         f"input shape {inputs}")
    out = tuple(model.output_shape[1:])
    if image_shape is not None and out != tuple(image_shape[1:]):
        raise InputError(f"{p}: the decoder draws images of shape {out}, the images given with "
                         f"--images are {tuple(image_shape[1:])}")
    if z_sample is not None:
        drawn = np.asarray(model.predict(np.asarray(z_sample[:8], np.float32), verbose=0))
        if drawn.min() < -1e-3 or drawn.max() > 1 + 1e-3:
            raise InputError(f"{p}: expected decoded pixels in [0, 1] (a sigmoid output, as the "
                             f"series' decoders), found {drawn.min():.3g} to {drawn.max():.3g} "
                             f"on the first z-points")
    return model
