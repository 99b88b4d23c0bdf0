"""Model code: builders, the AE, the VAE (custom objects registered on import), fitting, batches."""

from . import autoencoder, losses, vae  # noqa: F401  (registers custom objects)
from .autoencoder import build_autoencoder, parts
from .conv import build_decoder, build_encoder, parameter_table
from .predict import decode, encode_batches, encode_means, reconstruct
from .vae import VAE, Sampling, build_vae

__all__ = ["build_encoder", "build_decoder", "build_autoencoder", "build_vae", "VAE", "Sampling",
           "parameter_table", "parts", "reconstruct", "decode", "encode_batches",
           "encode_means"]
