"""The notebook series executed under papermill with the smoke profile; recorded values checked."""

import json
from pathlib import Path

import numpy as np
import pytest

from nbhelpers import config, store

ROOT = Path(__file__).resolve().parents[1]

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
    assert {k: v / 1e6 for k, v in r["encoder_params"].items() if k != "z256_three_conv"} == pytest.approx(
        {"z256": 5.11, "z256_dense256": 2.88, "z256_dense384": 4.13, "z512": 9.83}, abs=0.006)
    assert round(r["decoder_params"]["z256"] / 1e6, 2) == 2.76
    v = r["variants"]
    assert set(v) == {"vae", "vae_nodense"}
    assert v["vae"]["encoder_params"] < v["vae_nodense"]["encoder_params"]
    for name in v:
        assert v[name]["kl_last_epoch"] > 0 and v[name]["seconds_per_epoch"] > 0
        assert v[name]["loss_last_epoch"] < v[name]["loss_first_epoch"]
    assert r["encoder_params"]["z256_three_conv"] == 19_245_696
    mem = r["variant_memory"]
    for name in v:  # Adam: two slots per weight
        assert 2 * mem[name]["weights"] <= mem[name]["optimizer"] <= 2 * mem[name]["weights"] + 64
    assert mem["vae"]["encoder_weights"] < mem["vae_nodense"]["encoder_weights"]
    cfg = config.load("smoke")
    assert list(r["epoch_seconds_by_batch"]) == [str(b) for b in cfg.timing_batch_sizes]
    assert set(r["normal_faces_realism"]) == {"vae", "vae_nodense"}


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
    for row in r["unusual_axes"]:
        assert set(row) == {"axis", "center", "fwhm", "sigma", "r2"} and 0 <= row["axis"] < cfg.z_dim
    # the blog's widths as fractions of the measured spread (its axis FWHM of 2 -> ours)
    w = r["bin_widths"]
    assert w["axis"] == pytest.approx(0.25 / 2 * w["spread_fwhm"], abs=1e-3)
    assert w["radius"] == pytest.approx([0.5 / 2 * w["spread_fwhm"], 0.05 / 2 * w["spread_fwhm"]],
                                        abs=1e-3)
    assert r["radius_ratio"] == pytest.approx(r["radius_peak"] / r["radius_expected"], abs=1e-4)
    assert r["radius_ratio_scaled"] == pytest.approx(
        r["radius_ratio"] / r["sigma_median"], abs=1e-3)
    assert r["unusual_count"] <= r["off_centre_count"] + r["broad_count"]
    rr = r["radius_range"]
    assert 0 < rr["min"] <= rr["low"] < r["radius_peak"] < rr["high"] <= rr["max"]


def test_03_records_tsne_runs_planes_and_the_filament_dimension(smoke_run, results):
    r = results["03_tsne_filaments"]
    cfg = config.load("smoke")
    expected = [(n, "raw z", 10.0 if i == 0 else 30.0) for i, n in enumerate(cfg.tsne_sizes)] + [
        (n, f"PCA {k}", 30.0) for n, k in zip(cfg.tsne_pca_sizes, cfg.tsne_pca_components, strict=True)]
    assert [(x["n"], x["input"], x["perplexity"]) for x in r["tsne_runs"]] == expected
    assert all(x["kl"] > 0 and x["seconds"] > 0 for x in r["tsne_runs"])
    assert len(r["raw_pca_variance"]) == 12 and r["raw_pca_variance"] == sorted(
        r["raw_pca_variance"], reverse=True)
    ladder = r["zoom_ladder"]
    assert set(ladder["planes"]) >= {"PCA 0,1", "PCA 0,17", "PCA 7,30"}
    for panels in ladder["planes"].values():
        counts = [p["points"] for p in panels]
        assert counts[0] == cfg.n_images and counts == sorted(counts, reverse=True)
    sides = [p["side"] for p in ladder["planes"]["PCA 0,1"][1:]]
    assert sides == pytest.approx([f * ladder["spread_fwhm"] for f in cfg.zoom_fractions], abs=1e-3)
    ratios = [x["void"]["ratio"] for x in r["tsne_runs"]] + [
        v["ratio"] for v in r["plane_voids"].values()]
    assert r["void_ratio"]["median"] == pytest.approx(float(np.median(ratios)), abs=1e-4)
    assert r["void_ratio"]["maps"] == len(ratios)
    dim = r["intrinsic_dimension"]
    assert dim["truth"] == 21 and dim["z"]["n"] == cfg.id_points
    assert dim["ratio_to_truth"]["twonn"] == pytest.approx(dim["z"]["twonn"] / 21, abs=1e-3)
    scale = r["dimension_by_scale"]  # the blog's filaments, from 5 neighbours to the whole cloud
    assert scale["z"]["k"][0] == 5 and scale["z"]["k"][-1] == cfg.n_images - 1
    assert scale["z"]["radius"] == sorted(scale["z"]["radius"])
    assert scale["lowest"]["z"] == min(d for d, k in zip(scale["z"]["dimension"], scale["z"]["k"],
                                                        strict=True) if k <= cfg.n_images / 10)
    lines = r["filament_lines"]  # one row per zoom square, the whole planes left out
    assert {k: len(v) for k, v in lines["squares"].items()} == {
        k: len(v) - 1 for k, v in ladder["planes"].items()}
    ratios = [x["ratio"] for v in lines["squares"].values() for x in v if x["ratio"] is not None]
    assert lines["measured"] == len(ratios) > 0
    assert lines["ratio"] == pytest.approx(float(np.median(ratios)), abs=1e-4)
    run = store.RunDir(smoke_run)  # the map notebook 06 places new points on
    assert run.load_array("latent/tsne_map_embedding.npy").shape == (r["tsne_map"]["n"], 2)


def test_04_records_pca_and_ellipses(results):
    r = results["04_pca_ellipses"]
    cfg = config.load("smoke")
    surv = [r["survivors_by_fact"][str(f)] for f in cfg.trim_facts]
    assert surv == sorted(surv) and surv[-1] <= cfg.n_images
    assert 1 <= r["components_for_80pct"] <= cfg.z_dim
    assert r["pearson_max_offdiag"] < 1e-6
    assert 0.5 < r["inside_2sigma"] < r["inside_3sigma"] <= 1.0
    assert 0.5 < r["fit_inside_2sigma"] < r["fit_inside_3sigma"] <= 1.0
    near_far = 45 + 9 * 2  # all pairs among 0-9; 0-8 against 10 and 15 (below pca_pairs_max 20)
    assert len(r["ellipse_pairs"]) == near_far and r["ellipse_share_points"] == cfg.n_images
    assert list(r["ellipses_by_fact"]) == [str(f) for f in cfg.ellipse_facts]
    assert len(r["component_fits"]) == 10 and r["pca_points"] == r["survivors"]


def test_06_records_realism_per_sampler(results):
    table = results["06_face_generation"]["realism"]
    samplers = {"uniform_box", "uniform_core", "independent", "normal", "mvn", "confined", "gmm"}
    # the judge's own references: faces it was fitted on, and noise that no face is
    references = {"vae/normal", "reconstruction", "training faces", "noise"}
    assert set(table) == {f"ae/{s}" for s in samplers} | references
    assert table["noise"]["frechet"] > table["training faces"]["frechet"]
    for name, row in table.items():
        assert 0 <= row["precision"] <= 1 and 0 <= row["recall"] <= 1 and row["frechet"] >= 0, name
        assert row["density"] >= 0 and 0 <= row["coverage"] <= 1, name
    placed = results["06_face_generation"]["tsne_placements"]
    assert set(placed) == samplers and all(0 <= p["inside_box"] <= 1 for p in placed.values())
    assert all(p["nn_ratio"] > 0 for p in placed.values())


def test_07_probes_both_latent_spaces_and_answers_the_gaussian_question(results):
    r = results["07_ground_truth_factors"]
    for label in ("ae", "vae"):
        p = r[f"probe_{label}"]
        assert len(p["factors"]) == 21 and -1 < p["r2_mean"] <= 1
        assert 0 <= p["disentanglement"] <= 1 and 0 <= p["completeness"] <= 1 and 0 <= p["mig"] <= 1
    q = r["gaussian_question"]
    # the factors themselves: uniform ones sit about 0.058 from their fitted normal
    assert q["table"]["uniform"]["factors"]["ks_median"] > q["table"]["normal"]["factors"]["ks_median"]
    assert q["table"]["uniform"]["factors"]["kurtosis_median"] == pytest.approx(-1.2, abs=0.15)
    assert q["answer"].startswith("With uniform instead of normal factors")
    assert f"{q['table']['uniform']['factors']['ks_median']:.3f}" in q["answer"]


def test_08_analyses_the_vae_space_and_sweeps_the_kl_weight(results):
    r = results["08_vae_latent_space"]
    cfg = config.load("smoke")
    d = r["vae_density"]
    assert d["radius_expected"] == pytest.approx(np.sqrt(cfg.z_dim), abs=1e-3) and d["radius_peak"] > 0
    assert set(r["vae_voids"]) == {"t-SNE", "PCA 0,1"}
    assert 0.5 < r["vae_inside_2sigma"] < r["vae_inside_3sigma"] <= 1
    rows = r["kl_sweep"]["rows"]
    assert list(rows) == [f"{w:g}" for w in cfg.kl_weights]
    assert rows["0"]["val_kl_weighted"] == 0 and rows["1"]["val_kl_weighted"] > 0
    assert all(0 <= row["precision"] <= 1 and row["radius_peak"] > 0 for row in rows.values())


# Claims whose finding the smoke profile (2,000 faces, z_dim 32, 3 epochs) is large enough to show.
# Not these: after 3 epochs every z decodes to about the same face (all samplers reach precision
# 1.0), one PCA component carries 80 % of the variance, and 32 axes are too few for "a few".
SMOKE_CLAIMS = ("ae_loss_falls", "vae_loss_falls", "axes_gaussian", "pearson_diagonal",
                "ellipses_2sigma_bivariate", "extra_dense_halves_encoder")


def test_claims_meaningful_at_smoke_size_hold(results):
    from nbhelpers import claims

    rows = {r["id"]: r for r in claims.evaluate(results)}
    for cid in SMOKE_CLAIMS:
        assert rows[cid]["status"] == claims.HOLDS, rows[cid]
    assert all(r["status"] != claims.NOT_MEASURED for r in rows.values()), rows


def test_every_key_a_claim_reads_is_recorded(results):
    from nbhelpers import claims

    for c in claims.CLAIMS:
        assert isinstance(claims.get(results, c.key), (int, float)), c.key


def test_smoke_run_matches_the_committed_baseline(smoke_run, results):
    from nbhelpers import baseline, regression

    rows, drift, path, why = regression.check(smoke_run)
    assert path == config.project_root() / "baselines" / "smoke.json"
    assert drift.ok, drift.report()
    assert 60 <= drift.compared <= 120 and not drift.added
    text = regression.verdict(smoke_run)  # what a run prints at its end
    assert text.startswith("findings:") and "ellipses_2sigma" in text and "no drift" in text
    # nothing compared is an axis index, a sign or a per-axis / per-pair record by position
    # (a t-SNE map is compared by its place in the profile's list of maps, and only for what it
    # did at its settings: the perplexity it used and its exact KL)
    for key in baseline.compared(results):
        assert not any(w in key for w in ("axis", "axes", "rho", "pairs", "fits")), key
        assert "tsne_runs" not in key or key.rsplit("/", 2)[-2] == "used", key


def _check(results, tmp_path):
    import subprocess
    import sys

    run = tmp_path / f"copy{len(list(tmp_path.iterdir()))}"
    run.mkdir()
    (run / "results.json").write_text(json.dumps(results))
    return subprocess.run([sys.executable, "-m", "nbhelpers", "check", str(run)],
                          capture_output=True, text=True, timeout=120)


def test_check_exits_1_naming_a_moved_key_and_reports_a_missing_one(results, tmp_path):
    same = _check(results, tmp_path)
    assert same.returncode == 0, same.stdout + same.stderr
    assert "no drift" in same.stdout and "findings:" in same.stdout
    moved = json.loads(json.dumps(results))
    moved["04_pca_ellipses"]["inside_2sigma"] += 0.05
    out = _check(moved, tmp_path)
    assert out.returncode == 1 and "  04_pca_ellipses:\n    moved  inside_2sigma: " in out.stdout
    missing = json.loads(json.dumps(results))
    del missing["02_latent_number_density"]["radius_ratio"]
    out = _check(missing, tmp_path)
    assert out.returncode == 1 and "missing  02_latent_number_density/radius_ratio" in out.stdout


def _rerun(smoke_run, tmp_path, notebook: str):
    """A copy of the smoke run opened for ``notebook``: (cfg, run, z) to re-run its steps."""
    import shutil

    from nbhelpers.steps.encoding import load_z

    copy = tmp_path / "planted"
    shutil.copytree(smoke_run, copy)
    seed = store.read_results(copy)["environment"]["seed"]
    cfg = config.load("smoke", seed=seed)
    run = store.open_run(copy, notebook)
    return cfg, run, load_z(run)


def _flagged(run) -> dict[str, float]:
    from nbhelpers import baseline, regression

    base = regression.load_baseline(config.project_root() / "baselines" / "smoke.json")
    drift = baseline.compare(store.read_results(run.path), base)
    return {m.key: m.units for m in drift.moved}


def test_planted_bug_trimming_at_sigma_instead_of_fwhm_is_flagged(smoke_run, tmp_path,
                                                                   monkeypatch):
    """A unit slip in trimming (fact x sigma where the blog says fact x FWHM) keeps far fewer
    points; the check names notebook 04's survivors (BENCHMARKS.md: planted bugs)."""
    from nbhelpers.latent import density
    from nbhelpers.steps import number_density, pca_study

    monkeypatch.setattr(store, "_ACTIVE", None)  # restored after the test
    cfg, run, z = _rerun(smoke_run, tmp_path, "04_pca_ellipses")
    assert not _flagged(run)  # the copy as it is: no drift
    monkeypatch.setattr(density, "FWHM_PER_SIGMA", 1.0)
    fits = number_density.scaled_density(cfg, z)
    trimmed = pca_study.trimmed_pca(cfg, run, z, fits)
    pca_study.ellipse_study(cfg, run, trimmed, pca_study.component_density(cfg, run, trimmed, z))
    flagged = _flagged(run)
    assert flagged.get("04_pca_ellipses/survivors", 0) > 1, flagged


def test_planted_bug_radius_without_the_square_root_is_flagged(smoke_run, tmp_path, monkeypatch):
    """A radius taken as the squared norm (the square root forgotten) moves the radius peak far
    from sqrt(z_dim); the check names notebook 02's radius keys (BENCHMARKS.md: planted bugs)."""
    from nbhelpers.latent import density
    from nbhelpers.steps import number_density

    monkeypatch.setattr(store, "_ACTIVE", None)  # restored after the test
    cfg, run, z = _rerun(smoke_run, tmp_path, "02_latent_number_density")
    assert not _flagged(run)  # the copy as it is: no drift
    monkeypatch.setattr(density.np.linalg, "norm", lambda x, axis=None: (x**2).sum(axis=axis))
    number_density.measure(cfg, run, z)
    flagged = _flagged(run)
    assert flagged.get("02_latent_number_density/radius_ratio", 0) > 1, flagged


def _undeclared(reads: dict[str, set], needs: dict, makes: dict) -> dict[str, tuple]:
    """{notebook: (read but not declared, declared but not read)}, a notebook's own writes aside."""
    out = {}
    for nb, got in reads.items():
        got = got - set(makes.get(nb, ()))
        want = set(needs.get(nb, ()))
        if got != want:
            out[nb] = (sorted(got - want), sorted(want - got))
    return out


def test_each_notebook_reads_exactly_the_inputs_declared_for_it(smoke_run):
    """The smoke series logs every verified read (tests/readlog); each notebook's reads
    of files it did not write itself are its declared inputs, so the check before a run starts
    (``check_inputs``) covers all of them."""
    from nbhelpers.steps.artifacts import MAKES, NEEDS

    reads: dict[str, set] = {}
    for line in Path(f"{smoke_run}.reads.log").read_text().splitlines():
        nb, rel = line.split("\t")
        reads.setdefault(nb, set()).add(rel)
    assert set(reads) >= set(NEEDS)
    made_here = {nb: {*MAKES.get(nb, ()), *(r for r in got if r.startswith("models/")
                                            and r not in NEEDS.get(nb, ()))}
                 for nb, got in reads.items()}  # checkpoints and histories a notebook writes
    assert _undeclared(reads, NEEDS, made_here) == {}
    planted = {**reads, "04_pca_ellipses": reads["04_pca_ellipses"] | {"latent/z_vae.npy"}}
    assert _undeclared(planted, NEEDS, made_here) == {
        "04_pca_ellipses": (["latent/z_vae.npy"], [])}  # an undeclared read fails the test


def test_every_declared_key_is_recorded_and_nothing_else(results):
    """The smoke series records exactly the keys nbhelpers/keys.py declares for each notebook
    (recording an undeclared one would have stopped it), apart from keys only some runs record."""
    from nbhelpers import keys

    for nb in keys.NOTEBOOKS:
        expected = {k.name for k in keys.keys_of(nb) if not k.only_sometimes}
        got = set(results[nb])
        assert expected <= got, (nb, sorted(expected - got))
        assert got <= {k.name for k in keys.keys_of(nb)}, nb
