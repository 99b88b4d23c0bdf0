"""The notebook series executed under papermill with the smoke profile; recorded values checked."""

import json

import numpy as np
import pytest

from nbhelpers import config, store


@pytest.fixture(scope="module")
def results(smoke_run):
    return store.read_results(smoke_run)


def test_every_notebook_ran_and_report_is_written(smoke_run):
    executed = sorted(p.name for p in (smoke_run / "notebooks").glob("*.ipynb"))
    committed = sorted(p.name for p in (config.project_root() / "notebooks").glob("*.ipynb"))
    assert executed == committed
    report = (smoke_run / "report.html").read_text()
    assert report.count("<section>") == len(committed) and "data:image/png;base64," in report


def test_01_records_training_and_encoding(smoke_run, results):
    r = results["01_autoencoder_training"]
    cfg = config.load("smoke")
    assert r["loss_last_epoch"] < r["loss_first_epoch"]
    assert 0 < r["val_loss_last_epoch"] < 1 and r["seconds_per_epoch"] > 0
    assert r["z_shape"] == [cfg.n_images, cfg.z_dim]
    run = store.RunDir(smoke_run)
    z = run.load_array("latent/z_ae.npy")
    assert z.shape == tuple(r["z_shape"]) and np.isfinite(z).all()


def test_05_records_parameter_table_and_variants(results):
    r = results["05_vae_extra_dense_layer"]
    assert r["encoder_params"] == {"z256": 5_107_520, "z256_dense256": 2_879_552,
                                   "z256_dense384": 4_124_864, "z512": 9_826_624}
    assert r["decoder_params"] == {"z256": 2_756_675, "z512": 5_115_971}
    v = r["variants"]
    assert set(v) == {"vae", "vae_nodense"}
    assert v["vae"]["encoder_params"] < v["vae_nodense"]["encoder_params"]
    for name in v:
        assert v[name]["kl_last_epoch"] > 0 and v[name]["seconds_per_epoch"] > 0
        assert v[name]["loss_last_epoch"] < v[name]["loss_first_epoch"]


def test_executed_notebooks_show_a_resource_line_at_start_and_end(smoke_run):
    nb = json.loads((smoke_run / "notebooks" / "01_autoencoder_training.ipynb").read_text())
    text = "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))
    assert text.count("RAM: process") >= 2
