import keras
import numpy as np
import pytest

from nbhelpers.models import build_autoencoder, build_encoder, parts
from nbhelpers.models.predict import decode, encode_batches, reconstruct


def test_batched_uint8_decode_and_reconstruct_match_the_model():
    ae = build_autoencoder((16, 16, 3), z_dim=8, filters=(4, 8))
    _, decoder = parts(ae)
    z = np.random.default_rng(9).standard_normal((37, 8)).astype(np.float32)
    expected = np.clip(decoder.predict(z, verbose=0), 0, 1) * 255
    out = decode(decoder, z, batch_size=10)  # 4 batches, the last one short
    assert out.dtype == np.uint8 and out.shape == (37, 16, 16, 3)
    assert np.abs(out.astype(float) - expected).max() <= 0.5 + 1e-3
    images = np.random.default_rng(10).integers(0, 256, (23, 16, 16, 3), dtype=np.uint8)
    rec = reconstruct(ae, images, batch_size=8)
    expected = np.clip(ae.predict(images / 255.0, verbose=0), 0, 1) * 255
    assert np.abs(rec.astype(float) - expected).max() <= 0.5 + 1e-3
    # [0, 1] floats give the same faces (up to one grey level of float32 rounding)
    assert np.abs(reconstruct(ae, images / 255.0, batch_size=8).astype(int) - rec).max() <= 1
    with pytest.raises(ValueError, match="empty"):
        decode(decoder, z[:0])


def test_encode_batches_yield_every_row_in_order_with_a_padded_last_batch():
    imgs = np.random.default_rng(0).integers(0, 256, (70, 16, 16, 3), dtype=np.uint8)
    enc = build_encoder((16, 16, 3), 6, filters=(4, 4, 4, 4))
    chunks = list(encode_batches(enc, imgs, batch_size=32, progress=False))
    assert [len(c[0]) for c in chunks] == [32, 32, 6]
    z = np.concatenate([c[0] for c in chunks])
    np.testing.assert_allclose(z, keras.ops.convert_to_numpy(enc(imgs.astype(np.float32) / 255.0)), atol=1e-5)
