"""The Variational Autoencoder, with the KL term added inside the model.

``Sampling`` draws z = mu + exp(logvar / 2) * eps with ``keras.random`` and a seed generator.
The KL term is a layer's: ``KLDivergence`` adds ``kl_weight * KL`` as a scalar ``add_loss`` (the
form that reaches ``compute_loss`` on every backend); ``VAE.compute_loss`` adds the reconstruction
loss (the per-pixel mean times the pixel count: a sum over pixels, on the KL's per-image scale)
and reports both as separate metrics ``reconstruction`` and ``kl``. Nothing is TensorFlow-specific:
``model.fit`` works on every Keras backend.
"""

from __future__ import annotations

import keras
from keras import ops

from . import losses
from .conv import build_decoder, build_encoder


@keras.saving.register_keras_serializable(package="nbhelpers")
class Sampling(keras.layers.Layer):
    """z = mu + exp(logvar / 2) * eps, eps ~ N(0, I) from a seeded generator."""

    def __init__(self, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        mu, logvar = inputs
        eps = keras.random.normal(ops.shape(mu), seed=self.seed_generator)
        return mu + ops.exp(0.5 * logvar) * eps

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


@keras.saving.register_keras_serializable(package="nbhelpers")
class KLDivergence(keras.layers.Layer):
    """Adds ``weight`` x KL(N(mu, exp(logvar)) || N(0, I)), averaged over the batch, as a scalar
    layer loss and passes its inputs through. A layer's scalar ``add_loss`` reaches the model's
    ``compute_loss`` on TensorFlow, JAX and PyTorch alike; the model's own ``add_loss`` inside
    ``call`` did not on JAX (the KL read 0; keras issues 19430 and 19560)."""

    def __init__(self, weight: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.weight = float(weight)

    def call(self, inputs):
        mu, logvar = inputs
        kl = -0.5 * ops.mean(ops.sum(1.0 + logvar - ops.square(mu) - ops.exp(logvar), axis=1))
        self.add_loss(self.weight * kl)
        return mu, logvar

    def get_config(self):
        return {**super().get_config(), "weight": self.weight}


@keras.saving.register_keras_serializable(package="nbhelpers")
class VAE(keras.Model):
    def __init__(self, encoder, decoder, kl_weight: float = 1.0, loss: str = "bce",
                 seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.kl_weight = float(kl_weight)
        self.loss_kind = loss
        self.seed = seed
        self._rec_fn = losses.get(loss)
        self.sampling = Sampling(seed, name="sampling")
        self.kl_loss = KLDivergence(self.kl_weight, name="kl_divergence")
        self.rec_tracker = keras.metrics.Mean(name="reconstruction")
        self.kl_tracker = keras.metrics.Mean(name="kl")

    def build(self, input_shape):
        # encoder and decoder are functional models, built when they were made
        self.built = True

    def call(self, x, training=False):
        mu, logvar = self.kl_loss(self.encoder(x, training=training))
        z = self.sampling([mu, logvar]) if training else mu
        return self.decoder(z, training=training)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        pixels = ops.cast(ops.prod(ops.shape(y_pred)[1:]), "float32")
        rec = ops.mean(self._rec_fn(y, y_pred)) * pixels
        kl = ops.zeros(())
        for term in self.losses:  # a Python sum: ops.sum of a list fails while JAX traces
            kl = kl + term
        self.rec_tracker.update_state(rec)
        self.kl_tracker.update_state(kl)
        return rec + kl

    def get_config(self):
        return {
            **super().get_config(),
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "kl_weight": self.kl_weight, "loss": self.loss_kind, "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        encoder = keras.saving.deserialize_keras_object(config.pop("encoder"))
        decoder = keras.saving.deserialize_keras_object(config.pop("decoder"))
        return cls(encoder, decoder, **config)


def build_vae(input_shape=(96, 96, 3), z_dim: int = 256, extra_dense: int | None = None,
              kl_weight: float = 1.0, loss: str = "bce", learning_rate: float = 5e-4,
              seed: int | None = 0, compile: bool = True, **conv) -> VAE:
    encoder = build_encoder(input_shape, z_dim, variational=True, extra_dense=extra_dense, **conv)
    decoder = build_decoder(z_dim, input_shape, **conv)
    model = VAE(encoder, decoder, kl_weight=kl_weight, loss=loss, seed=seed, name="vae")
    model.build((None, *input_shape))
    if compile:
        model.compile(optimizer=keras.optimizers.Adam(learning_rate))
    return model
