import numpy as np
import pytest

from nbhelpers import models
from nbhelpers.models import build_autoencoder, build_decoder, build_encoder, decode, parts, reconstruct


@pytest.mark.parametrize("z_dim,extra,expected", [
    (256, None, 5_107_520), (256, 256, 2_879_552), (256, 384, 4_124_864), (512, None, 9_826_624)])
def test_vae_encoder_parameter_counts_of_the_blog(z_dim, extra, expected):
    enc = build_encoder((96, 96, 3), z_dim, variational=True, extra_dense=extra)
    assert enc.count_params() == expected


@pytest.mark.parametrize("z_dim,expected", [(256, 2_756_675), (512, 5_115_971)])
def test_decoder_parameter_counts_of_the_blog(z_dim, expected):
    assert build_decoder(z_dim, (96, 96, 3)).count_params() == expected


def test_parameter_table_matches_the_builders():
    table = models.parameter_table()
    assert table["encoder"]["z256_dense256"] == build_encoder(
        (96, 96, 3), 256, variational=True, extra_dense=256).count_params()
    assert set(table["encoder"]) == {"z256", "z256_dense256", "z256_dense384", "z512"}


def test_ae_encoder_structure():
    enc = build_encoder((32, 32, 3), 16)
    names = [layer.name for layer in enc.layers]
    assert names[1:5] == ["conv_1", "act_1", "conv_2", "act_2"] and names[-1] == "z"
    assert enc.output.shape[-1] == 16
    assert [enc.get_layer(f"conv_{i}").filters for i in range(1, 5)] == [32, 64, 128, 256]


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "selu"])
def test_options(activation):
    enc = build_encoder((32, 32, 3), 8, activation=activation, batch_norm=True, filters=(8, 8, 8, 8))
    assert "bn_1" in [layer.name for layer in enc.layers]
    with pytest.raises(ValueError, match="activation must be one of"):
        build_encoder((32, 32, 3), 8, activation="tanh")


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match="multiples of 16.*found 40x40"):
        build_encoder((40, 40, 3), 8)
    with pytest.raises(ValueError, match="z_dim must be at least 2"):
        build_encoder((32, 32, 3), 1)


def test_vae_reports_reconstruction_and_kl_separately_and_roundtrips(tmp_path):
    import keras

    vae = models.build_vae((16, 16, 3), 4, extra_dense=4, filters=(4, 4, 4, 4), kl_weight=0.5)
    x = np.random.default_rng(0).random((32, 16, 16, 3)).astype(np.float32)
    hist = vae.fit(x, x, epochs=2, batch_size=16, verbose=0).history
    assert {"loss", "reconstruction", "kl"} <= set(hist)
    np.testing.assert_allclose(hist["loss"][-1], hist["reconstruction"][-1] + hist["kl"][-1], rtol=1e-4)
    assert hist["kl"][-1] > 0
    vae.save(tmp_path / "vae.keras")
    again = keras.models.load_model(tmp_path / "vae.keras")
    assert isinstance(again, models.VAE) and again.kl_weight == 0.5
    np.testing.assert_allclose(again.predict(x, verbose=0), vae.predict(x, verbose=0), atol=1e-6)
