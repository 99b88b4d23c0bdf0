import numpy as np
import pytest

from nbhelpers import models
from nbhelpers.models import build_decoder, build_encoder


def _conv_params(filters=(32, 64, 128, 256), cin=3, k=3) -> int:
    """Weights and biases of the stride-2 Conv2D stack, by the formula k*k*c_in*c_out + c_out."""
    total = 0
    for f in filters:
        total += k * k * cin * f + f
        cin = f
    return total


def _vae_encoder_params(z_dim: int, extra: int | None, flat: int = 6 * 6 * 256) -> int:
    """Conv stack, optional Dense(extra), then the two Dense layers mu and logvar."""
    width = flat
    total = _conv_params()
    if extra:
        total += flat * extra + extra
        width = extra
    return total + 2 * (width * z_dim + z_dim)


# The blog's figures (post XII), in millions, at 96x96x3 and filters (32, 64, 128, 256). They
# are rounded to two decimals; for the Dense(384) variant the blog says 4.13 M where the formula
# gives 4,124,864 (4.12 M), so counts are checked to 0.006 M of the blog's figure.
BLOG_ENCODER_M = {(256, None): 5.11, (256, 256): 2.88, (256, 384): 4.13, (512, None): 9.83}
BLOG_DECODER_M = {256: 2.76, 512: 5.1}


@pytest.mark.parametrize("z_dim,extra", list(BLOG_ENCODER_M))
def test_vae_encoder_parameter_counts_of_the_blog(z_dim, extra):
    count = build_encoder((96, 96, 3), z_dim, variational=True, extra_dense=extra).count_params()
    assert count == _vae_encoder_params(z_dim, extra)
    assert count / 1e6 == pytest.approx(BLOG_ENCODER_M[(z_dim, extra)], abs=0.006)


@pytest.mark.parametrize("z_dim", list(BLOG_DECODER_M))
def test_decoder_parameter_counts_of_the_blog(z_dim):
    count = build_decoder(z_dim, (96, 96, 3)).count_params()
    assert round(count / 1e6, 2 if z_dim == 256 else 1) == BLOG_DECODER_M[z_dim]


def test_parameter_table_carries_the_blogs_numbers():
    table = models.parameter_table()
    enc = {k: v / 1e6 for k, v in table["encoder"].items() if k != "z256_three_conv"}
    blog = {"z256": 5.11, "z256_dense256": 2.88, "z256_dense384": 4.13, "z512": 9.83}
    assert enc == pytest.approx(blog, abs=0.006)
    assert round(table["decoder"]["z256"] / 1e6, 2) == 2.76
    assert round(table["decoder"]["z512"] / 1e6, 1) == 5.1


def test_three_conv_layers_make_the_dense_layers_after_flatten_four_times_larger():
    """The blog's remark (post XII): three stride-2 Conv layers leave 12x12x256 neurons after
    Flatten instead of 6x6x256, and the mu and logvar layers grow by a factor of 4."""
    from nbhelpers.models.conv import THREE_CONV

    count = models.parameter_table()["encoder"]["z256_three_conv"]
    flat = 12 * 12 * 256
    assert count == _conv_params(THREE_CONV) + 2 * (flat * 256 + 256) == 19_245_696
    after_flatten = (2 * (flat * 256 + 256), 2 * (6 * 6 * 256 * 256 + 256))
    assert after_flatten[0] / after_flatten[1] == pytest.approx(4.0, rel=1e-3)


def test_state_bytes_are_weights_plus_two_adam_slots_per_trainable_weight():
    from nbhelpers.models.fit import state_bytes

    model = models.build_autoencoder((32, 32, 3), 16, filters=(8, 16))
    params = model.count_params()
    b = state_bytes(model)
    assert b["weights"] == 4 * params
    # Adam: m and v per trainable weight, plus its iteration counter and learning rate
    assert 2 * 4 * params <= b["optimizer"] <= 2 * 4 * params + 64
    assert b["total"] == b["weights"] + b["optimizer"]


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


def test_vae_kl_term_equals_the_hand_computed_divergence():
    """The KL the VAE reports is kl_weight x mean over the batch of
    -0.5 * sum(1 + logvar - mu^2 - exp(logvar)), computed here with numpy from the Encoder."""
    from nbhelpers.models import build_vae

    x = np.random.default_rng(3).random((32, 16, 16, 3)).astype(np.float32)
    vae = build_vae((16, 16, 3), 4, extra_dense=8, kl_weight=2.5, filters=(4, 4, 4, 4))
    mu, logvar = (np.asarray(t, np.float64) for t in vae.encoder.predict(x, verbose=0))
    hand = 2.5 * np.mean(-0.5 * np.sum(1 + logvar - mu**2 - np.exp(logvar), axis=1))
    got = vae.evaluate(x, x, batch_size=32, verbose=0, return_dict=True)
    assert got["kl"] == pytest.approx(hand, rel=1e-4, abs=1e-7)
    assert got["loss"] == pytest.approx(got["reconstruction"] + got["kl"], rel=1e-5)
