"""Convolutional Encoder and Decoder builders (Keras 3).

Defaults are the blog's: four Conv2D layers with filters (32, 64, 128, 256), kernel 3, stride 2,
padding "same", Flatten, then Dense to z_dim (the AE) or two Dense layers mu and logvar (the VAE).
``extra_dense=k`` puts a Dense(k) layer between Flatten and the latent layers: at 96x96 and
z_dim 256 it cuts the VAE Encoder from 5,107,520 to 2,879,552 parameters. The Decoder mirrors the
Encoder: Dense to (H/16)*(W/16)*256, Reshape, Conv2DTranspose with 128, 64, 32 filters, then to 3
channels with a sigmoid (kept in float32 under mixed precision).
"""

from __future__ import annotations

import keras
from keras import layers

from ..core.choices import ACTIVATIONS, check_choice, size_error


def _activation(name: str, label: str):
    check_choice("activation", name, ACTIVATIONS)
    if name == "leaky_relu":
        return layers.LeakyReLU(negative_slope=0.2, name=label)
    return layers.Activation(name, name=label)


def _check_shape(shape, n_down: int) -> tuple[int, int, int]:
    h, w, c = shape
    if (msg := size_error(h, w, n_down)) is not None:
        raise ValueError(msg)
    return h, w, c


def build_encoder(input_shape=(96, 96, 3), z_dim: int = 256, variational: bool = False,
                  extra_dense: int | None = None, filters=(32, 64, 128, 256), kernel_size: int = 3,
                  activation: str = "leaky_relu", batch_norm: bool = False,
                  name: str = "encoder") -> keras.Model:
    """The Encoder: image -> z (AE) or image -> [mu, logvar] (``variational=True``)."""
    if z_dim < 2:
        raise ValueError(f"z_dim must be at least 2, found {z_dim}")
    _check_shape(input_shape, len(filters))
    inputs = keras.Input(shape=tuple(input_shape), name="image")
    x = inputs
    for i, f in enumerate(filters, start=1):
        x = layers.Conv2D(f, kernel_size, strides=2, padding="same", name=f"conv_{i}")(x)
        if batch_norm:
            x = layers.BatchNormalization(name=f"bn_{i}")(x)
        x = _activation(activation, f"act_{i}")(x)
    x = layers.Flatten(name="flatten")(x)
    if extra_dense:
        x = layers.Dense(int(extra_dense), name="extra_dense")(x)
        x = _activation(activation, "act_extra")(x)
    if variational:
        mu = layers.Dense(z_dim, name="mu")(x)
        logvar = layers.Dense(z_dim, name="logvar")(x)
        return keras.Model(inputs, [mu, logvar], name=name)
    z = layers.Dense(z_dim, name="z")(x)
    return keras.Model(inputs, z, name=name)


def build_decoder(z_dim: int = 256, output_shape=(96, 96, 3), filters=(32, 64, 128, 256),
                  kernel_size: int = 3, activation: str = "leaky_relu", batch_norm: bool = False,
                  name: str = "decoder") -> keras.Model:
    """The Decoder: z -> image in [0, 1] (sigmoid output, float32)."""
    h, w, c = _check_shape(output_shape, len(filters))
    n = len(filters)
    inputs = keras.Input(shape=(z_dim,), name="z")
    x = layers.Dense((h // 2**n) * (w // 2**n) * filters[-1], name="dense")(inputs)
    x = layers.Reshape((h // 2**n, w // 2**n, filters[-1]), name="reshape")(x)
    for i, f in enumerate(reversed(filters[:-1]), start=1):
        x = layers.Conv2DTranspose(f, kernel_size, strides=2, padding="same", name=f"deconv_{i}")(x)
        if batch_norm:
            x = layers.BatchNormalization(name=f"bn_{i}")(x)
        x = _activation(activation, f"act_{i}")(x)
    outputs = layers.Conv2DTranspose(c, kernel_size, strides=2, padding="same",
                                     activation="sigmoid", dtype="float32", name="image")(x)
    return keras.Model(inputs, outputs, name=name)


THREE_CONV = (64, 128, 256)  # the blog's remark: three stride-2 layers ending in 256 maps


def parameter_table(input_shape=(96, 96, 3), z_dims=(256, 512), extra=(None, 256, 384)) -> dict:
    """Encoder (VAE) and Decoder parameter counts for the blog's table, built on the spot; plus
    ``z256_three_conv``, an Encoder with three Conv layers (``THREE_CONV``) whose Flatten output is
    four times larger (the blog: "would raise the ... parameters after the flattened layer by a
    factor of 4")."""
    enc, dec = {}, {}
    for z in z_dims:
        for k in extra:
            if k is not None and z != 256:
                continue
            key = f"z{z}" + (f"_dense{k}" if k else "")
            enc[key] = build_encoder(input_shape, z, variational=True, extra_dense=k).count_params()
        dec[f"z{z}"] = build_decoder(z, input_shape).count_params()
    three = build_encoder(input_shape, 256, variational=True, filters=THREE_CONV)
    enc["z256_three_conv"] = three.count_params()
    keras.backend.clear_session()
    return {"encoder": enc, "decoder": dec}
