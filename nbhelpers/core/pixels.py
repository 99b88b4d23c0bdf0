"""The one pair of pixel conversions: uint8 [0, 255] <-> float32 [0, 1].

Every module that turns cached images into model input, or model output into storable images,
calls these two functions, so the scaling and the rounding are defined in one place.
"""

from __future__ import annotations

import numpy as np

SCALE = np.float32(1.0 / 255.0)  # uint8 level -> [0, 1]


def to_float01(images, out: np.ndarray | None = None) -> np.ndarray:
    """uint8 images as float32 in [0, 1]; float input is returned as float32 unchanged.

    With ``out`` (a float32 array of the same shape) the result is written there, in place,
    without a second temporary copy."""
    x = np.asarray(images)
    if x.dtype != np.uint8:
        return x.astype(np.float32, copy=False)
    if out is None:
        out = x.astype(np.float32)
    else:
        out[...] = x
    out *= SCALE
    return out


def to_uint8(images) -> np.ndarray:
    """float images in [0, 1] (clipped) as uint8, rounded to the nearest level; uint8 passes."""
    x = np.asarray(images)
    if x.dtype == np.uint8:
        return x
    return (np.clip(x, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
