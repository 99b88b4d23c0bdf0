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


def parts(model: keras.Model) -> tuple[keras.Model, keras.Model]:
    """(encoder, decoder) of an autoencoder or VAE."""
    return model.get_layer("encoder"), model.get_layer("decoder")
