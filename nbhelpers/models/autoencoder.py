"""The convolutional Autoencoder: Encoder and Decoder joined in one Keras model."""

from __future__ import annotations

import keras

from . import losses
from .conv import build_decoder, build_encoder


def build_autoencoder(input_shape=(96, 96, 3), z_dim: int = 256, loss: str = "bce",
                      learning_rate: float = 5e-4, compile: bool = True, **conv) -> keras.Model:
    """Encoder + Decoder as one functional model named "autoencoder" (sub-models "encoder" and
    "decoder"), compiled with Adam and a per-pixel BCE or MSE reconstruction loss."""
    encoder = build_encoder(input_shape, z_dim, **conv)
    decoder = build_decoder(z_dim, input_shape, **{k: v for k, v in conv.items()
                                                    if k != "extra_dense"})
    inputs = keras.Input(shape=tuple(input_shape), name="image")
    model = keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")
    if compile:
        model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=losses.get(loss))
    return model


def from_profile(cfg, compile: bool = True) -> keras.Model:
    return build_autoencoder(cfg.image_shape, cfg.z_dim, cfg.loss, cfg.learning_rate, compile,
                             filters=tuple(cfg.filters), activation=cfg.activation,
                             batch_norm=cfg.batch_norm)


def parts(model: keras.Model) -> tuple[keras.Model, keras.Model]:
    """(encoder, decoder) of an autoencoder or VAE."""
    return model.get_layer("encoder"), model.get_layer("decoder")


def _predict_uint8(model: keras.Model, inputs, batch_size: int, prepare):
    """``model`` applied to ``inputs`` one batch at a time, each output batch stored as uint8, so
    memory holds a quarter of a float32 result and one float32 batch, never all of it."""
    import numpy as np

    if len(inputs) == 0:
        raise ValueError("expected at least one input, found an empty array")
    out = None
    for s in range(0, len(inputs), batch_size):
        y = np.clip(np.asarray(model.predict_on_batch(prepare(inputs[s:s + batch_size]))), 0.0, 1.0)
        if out is None:
            out = np.empty((len(inputs),) + y.shape[1:], np.uint8)
        out[s:s + len(y)] = (y * 255.0 + 0.5).astype(np.uint8)
    return out


def reconstruct(model: keras.Model, images, batch_size: int = 256):
    """uint8 reconstructions of uint8 (or [0, 1] float) images through a whole AE or VAE."""
    import numpy as np

    def prepare(b):
        b = np.asarray(b)
        return b.astype(np.float32) / 255.0 if b.dtype == np.uint8 else b.astype(np.float32)

    return _predict_uint8(model, images, batch_size, prepare)


def decode(decoder: keras.Model, z, batch_size: int = 256):
    """uint8 images decoded from latent vectors ``z`` (n, z_dim)."""
    import numpy as np

    return _predict_uint8(decoder, z, batch_size, lambda b: np.asarray(b, np.float32))
