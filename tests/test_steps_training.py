import numpy as np
import pytest

from nbhelpers import config, store
from nbhelpers.steps import artifacts, dataset, training

pytestmark = pytest.mark.slow  # trains models or executes notebooks


def test_ae_loss_falls_on_the_smoke_profile(tmp_path):
    cfg = config.load("smoke", n_images=512, epochs=3)
    run = store.RunDir(tmp_path, "01_test")
    ds = dataset.prepare(cfg, run, progress=False)
    result = training.train(cfg, run, ds, "ae", verbose=0)
    loss = result.history["loss"]
    assert loss[-1] < loss[0] - 0.02 and result.history["val_loss"][-1] < loss[0]
    assert run.manifest["models/ae.keras"]["params"] == result.model.count_params()


def test_model_roundtrip(tmp_path):
    from nbhelpers.models import build_autoencoder

    run = store.RunDir(tmp_path, "01_x")
    model = build_autoencoder((32, 32, 3), 8)
    artifacts.save_model(run, "models/ae.keras", model)
    x = np.random.default_rng(1).random((4, 32, 32, 3)).astype(np.float32)
    again = artifacts.load_model(run, "models/ae.keras")
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
    assert run.manifest["models/ae.keras"]["params"] == model.count_params()
