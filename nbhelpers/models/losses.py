"""Reconstruction losses per image, averaged over pixels and channels (the AE trains on them;
the VAE's ``compute_loss`` multiplies by the pixel count to put them on the KL's scale)."""

from __future__ import annotations

import keras
from keras import ops

from ..core.choices import LOSSES, check_choice


@keras.saving.register_keras_serializable(package="nbhelpers")
def pixel_bce(y_true, y_pred):
    """Binary cross-entropy averaged over pixels and channels (the AE's default loss)."""
    y_pred = ops.clip(y_pred, 1e-7, 1.0 - 1e-7)
    bce = -(y_true * ops.log(y_pred) + (1.0 - y_true) * ops.log(1.0 - y_pred))
    return ops.mean(bce, axis=(1, 2, 3))


@keras.saving.register_keras_serializable(package="nbhelpers")
def pixel_mse(y_true, y_pred):
    return ops.mean(ops.square(y_true - y_pred), axis=(1, 2, 3))


def get(kind: str):
    check_choice("loss", kind, LOSSES)
    return pixel_bce if kind == "bce" else pixel_mse
