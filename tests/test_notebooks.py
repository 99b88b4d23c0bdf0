"""The notebook series executed under papermill with the smoke profile; recorded values checked."""

import json

import numpy as np
import pytest

from nbhelpers import config, store

pytestmark = pytest.mark.slow  # trains models or executes notebooks


@pytest.fixture(scope="module")
def results(smoke_run):
    return store.read_results(smoke_run)


def test_every_notebook_ran_and_report_is_written(smoke_run):
    executed = sorted(p.name for p in (smoke_run / "notebooks").glob("*.ipynb"))
    committed = sorted(p.name for p in (config.project_root() / "notebooks").glob("*.ipynb"))
    assert executed == committed
    report = (smoke_run / "report.html").read_text()
    assert report.count("<section><h2>0") == len(committed) and "data:image/png;base64," in report
    assert report.index("<h2>Findings</h2>") < report.index("<h2>What produced this run</h2>") \
        < report.index("<h2>01_autoencoder_training")


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
    # the blog's figures (post XII), in millions
    assert {k: v / 1e6 for k, v in r["encoder_params"].items()} == pytest.approx(
        {"z256": 5.11, "z256_dense256": 2.88, "z256_dense384": 4.13, "z512": 9.83}, abs=0.006)
    assert round(r["decoder_params"]["z256"] / 1e6, 2) == 2.76
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


def test_every_notebook_records_its_memory_at_the_end(results):
    import psutil

    total = psutil.virtual_memory().total / 1024**3
    for name in sorted(p.stem for p in (config.project_root() / "notebooks").glob("*.ipynb")):
        r = results[name]["resources"]
        # a kernel with numpy, scipy and matplotlib loaded holds over 50 MB; its peak is at least now
        assert 0.05 < r["rss_gb"] <= r["rss_peak_gb"] < total, name
        assert r["ram_total_gb"] == pytest.approx(total, abs=1e-3) and r["gpu_status"], name


def test_02_records_densities(results):
    r = results["02_latent_number_density"]
    cfg = config.load("smoke")
    assert r["radius_expected"] == pytest.approx(np.sqrt(cfg.z_dim))
    assert r["radius_peak"] > 0 and r["sigma_median"] > 0
    for row in r["off_center_axes"]:
        assert set(row) == {"axis", "center", "fwhm", "sigma", "r2"} and 0 <= row["axis"] < cfg.z_dim


def test_03_records_tsne_runs(results):
    runs = results["03_tsne_filaments"]["tsne_runs"]
    cfg = config.load("smoke")
    expected = [(n, "raw z") for n in cfg.tsne_sizes] + [(cfg.tsne_pca_n, f"PCA {k}")
                                                         for k in cfg.tsne_pca_components]
    assert [(r["n"], r["input"]) for r in runs] == expected
    assert all(r["kl"] > 0 and r["seconds"] > 0 for r in runs)


def test_04_records_pca_and_ellipses(results):
    r = results["04_pca_ellipses"]
    cfg = config.load("smoke")
    surv = [r["survivors_by_fact"][str(f)] for f in cfg.trim_facts]
    assert surv == sorted(surv) and surv[-1] <= cfg.n_images
    assert 1 <= r["components_for_80pct"] <= cfg.z_dim
    assert r["pearson_max_offdiag"] < 1e-6
    assert 0.5 < r["inside_2sigma"] < r["inside_3sigma"] <= 1.0


def test_06_records_realism_per_sampler(results):
    table = results["06_face_generation"]["realism"]
    samplers = {"uniform_box", "uniform_range", "independent", "normal", "mvn", "confined", "gmm"}
    assert set(table) == {f"ae/{s}" for s in samplers} | {"vae/normal", "reconstruction"}
    for name, row in table.items():
        assert 0 <= row["precision"] <= 1 and 0 <= row["recall"] <= 1 and row["frechet"] >= 0, name


# Claims whose finding the smoke profile (2,000 faces, z_dim 32, 3 epochs) is large enough to show.
# Not these: after 3 epochs every z decodes to about the same face (all samplers reach precision
# 1.0), one PCA component carries 80 % of the variance, and 32 axes are too few for "a few".
SMOKE_CLAIMS = ("ae_loss_falls", "vae_loss_falls", "axes_gaussian", "pearson_diagonal",
                "ellipses_2sigma", "ellipses_3sigma", "extra_dense_halves_encoder")


def test_claims_meaningful_at_smoke_size_hold(results):
    from nbhelpers import claims

    rows = {r["id"]: r for r in claims.evaluate(results)}
    for cid in SMOKE_CLAIMS:
        assert rows[cid]["status"] == claims.HOLDS, rows[cid]
    assert all(r["status"] != claims.NOT_MEASURED for r in rows.values()), rows


def test_smoke_run_matches_the_committed_baseline(smoke_run):
    from nbhelpers import runner

    drift, path = runner.check(smoke_run)
    assert path == config.project_root() / "baselines" / "smoke.json"
    assert drift.ok, drift.report()
    assert drift.compared > 200
    text = runner.verdict(smoke_run)  # what a run prints at its end
    assert text.startswith("findings:") and "ellipses_2sigma" in text and "no drift" in text


def test_check_exits_1_naming_a_moved_key_and_reports_a_missing_one(smoke_run, tmp_path):
    import subprocess
    import sys

    def check(results) -> subprocess.CompletedProcess:
        run = tmp_path / f"copy{len(list(tmp_path.iterdir()))}"
        run.mkdir()
        (run / "results.json").write_text(json.dumps(results))
        return subprocess.run([sys.executable, "-m", "nbhelpers", "check", str(run)],
                              capture_output=True, text=True, timeout=120)

    original = store.read_results(smoke_run)
    same = check(original)
    assert same.returncode == 0, same.stdout + same.stderr
    assert "no drift" in same.stdout and "findings:" in same.stdout
    moved = json.loads(json.dumps(original))
    moved["04_pca_ellipses"]["inside_2sigma"] += 0.05
    out = check(moved)
    assert out.returncode == 1 and "moved    04_pca_ellipses/inside_2sigma" in out.stdout
    missing = json.loads(json.dumps(original))
    del missing["02_latent_number_density"]["radius_peak"]
    out = check(missing)
    assert out.returncode == 1 and "missing  02_latent_number_density/radius_peak" in out.stdout
