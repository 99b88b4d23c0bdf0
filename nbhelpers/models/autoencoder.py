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


def reconstruct(model: keras.Model, images, batch_size: int = 128):
    """Reconstructions (float32 in [0, 1]) of uint8 or float images through a whole AE/VAE."""
    import numpy as np

    x = np.asarray(images)
    x = x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32)
    return np.asarray(model.predict(x, batch_size=batch_size, verbose=0))


def decode(decoder: keras.Model, z, batch_size: int = 256):
    """Images (float32 in [0, 1]) decoded from latent vectors ``z`` (n, z_dim)."""
    import numpy as np

    return np.asarray(decoder.predict(np.asarray(z, np.float32), batch_size=batch_size, verbose=0))
