import keras
import numpy as np

from nbhelpers import store
from nbhelpers.data import Dataset
from nbhelpers.models import build_encoder
from nbhelpers.steps import encoding


def test_encoded_arrays_match_manifest_and_direct_call(tmp_path):
    run = store.RunDir(tmp_path, "01_x")
    imgs = np.random.default_rng(0).integers(0, 256, (70, 16, 16, 3), dtype=np.uint8)
    enc = build_encoder((16, 16, 3), 6, filters=(4, 4, 4, 4))
    z = encoding.encode(enc, Dataset(imgs, tmp_path, "test"), run, "latent/z_ae.npy", batch_size=32,
                        progress=False)
    entry = run.manifest["latent/z_ae.npy"]
    assert entry["shape"] == [70, 6] and np.dtype(entry["dtype"]) == np.float32
    assert z.shape == (70, 6) and z.dtype == np.float32
    direct = keras.ops.convert_to_numpy(enc(imgs.astype(np.float32) / 255.0))
    np.testing.assert_allclose(z, direct, atol=1e-5)  # the padded last batch too


def test_variational_encoder_writes_mu_and_logvar(tmp_path):
    run = store.RunDir(tmp_path, "05_x")
    imgs = np.random.default_rng(1).integers(0, 256, (40, 16, 16, 3), dtype=np.uint8)
    enc = build_encoder((16, 16, 3), 3, variational=True, extra_dense=3, filters=(4, 4, 4, 4))
    z = encoding.encode(enc, Dataset(imgs, tmp_path, "test"), run, "latent/z_vae.npy", batch_size=16,
                        progress=False)
    lv = run.load_array("latent/logvar_vae.npy")
    mu_d, lv_d = (keras.ops.convert_to_numpy(t) for t in enc(imgs.astype(np.float32) / 255.0))
    np.testing.assert_allclose(z, mu_d, atol=1e-5)
    np.testing.assert_allclose(lv, lv_d, atol=1e-5)
