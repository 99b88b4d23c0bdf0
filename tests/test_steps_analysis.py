"""The analysis steps of notebooks 02-04 on planted z-points: what they record is what their
result objects (and so the figures) carry."""

import numpy as np
import pytest

from nbhelpers import config, store
from nbhelpers.latent import ellipses
from nbhelpers.latent.pca import LatentPCA
from nbhelpers.steps import filaments, number_density, pca_study, projections


@pytest.fixture(scope="module")
def planted():
    """Gaussian z with known widths: axis 0 broad (sigma 3), axis 1 off-centre (mean 4)."""
    rng = np.random.default_rng(0)
    z = rng.standard_normal((4000, 12)).astype(np.float32)
    z[:, 0] *= 3.0
    z[:, 1] += 4.0
    return z


@pytest.fixture
def run(tmp_path):
    return store.RunDir(tmp_path, "0x_test")


def test_number_density_records_the_fitted_values(planted, run):
    cfg = config.load("smoke")
    d = number_density.measure(cfg, run, planted)
    r = store.read_results(run.path)["0x_test"]
    assert [row["axis"] for row in r["unusual_axes"]] == [0, 1]
    assert r["sigma_median"] == pytest.approx(1.0, abs=0.05) == d.sigma_median_
    assert r["radius_peak"] == d.radius_peak_ and r["radius_expected"] == pytest.approx(np.sqrt(12))
    # unit Gaussians have the FWHM 2.355: bins of 0.125 x 2.355 = 0.29 (the blog's 0.25 scaled)
    assert r["bin_widths"]["spread_fwhm"] == pytest.approx(2.355, rel=0.03)
    assert d.bin_width == pytest.approx(0.125 * r["bin_widths"]["spread_fwhm"], abs=1e-4)  # rounded
    assert r["radius_range"]["low"] < r["radius_peak"] < r["radius_range"]["high"]


def test_ellipse_study_records_the_shares_the_panels_show(planted, run):
    cfg = config.load("smoke", pca_pairs_max=12, trim_facts=(1.0, 1.7))
    dens = number_density.scaled_density(cfg, planted)
    kept = pca_study.survivors(cfg, run, planted, dens)
    assert kept[1.0] < kept[1.7] <= 4000
    trimmed = pca_study.trimmed_pca(cfg, run, planted, dens, 1.7)
    fits = pca_study.component_density(cfg, run, trimmed, planted)
    panels = pca_study.ellipse_study(cfg, run, trimmed, fits)
    r = store.read_results(run.path)["0x_test"]
    assert r["survivors_by_fact"] == {"1.0": kept[1.0], "1.7": kept[1.7]} and r["survivors"] == kept[1.7]
    assert r["pearson_max_offdiag"] < 1e-6
    every = panels["near"] + panels["far"]
    assert r["ellipse_pairs"] == ellipses.panel_stats(every)
    assert r["inside_2sigma"] == ellipses.mean_inside(every, 2)
    assert r["inside_2sigma"] == pytest.approx(0.865, abs=0.03)  # trimmed Gaussians: near chi2(2)
    assert r["fit_inside_2sigma"] == ellipses.mean_inside(every, 2, fitted=True)
    assert r["fit_inside_2sigma"] == pytest.approx(0.865, abs=0.05)  # Gaussian fits: same widths
    assert len(panels["near"]) == 45 and r["ellipse_share_points"] == min(kept[1.7], cfg.share_points)


def test_tsne_maps_record_each_run_with_its_settings(planted, run):
    cfg = config.load("smoke", tsne_sizes=(300, 400), tsne_pca_components=(2,), tsne_pca_sizes=(300,),
                      tsne_iter=100, perplexity=20.0, tsne_first_perplexity=8.0)
    maps = projections.tsne_maps(cfg, run, planted, progress=False)
    r = store.read_results(run.path)["0x_test"]
    recorded = r["tsne_runs"]
    assert [{k: v for k, v in x.items() if k not in ("void", "reference_kl")}
            for x in recorded] == [r.record() for r in maps.runs]
    assert [(x["n"], x["input"], x["perplexity"], x["early_exaggeration"]) for x in recorded] == [
        (300, "raw z", 8.0, 16.0), (400, "raw z", 20.0, 12.0), (300, "PCA 2", 20.0, 12.0)]
    # the largest raw map is kept for notebook 06: its rows and coordinates, its settings beside
    assert r["tsne_map"] == {"n": 400, "perplexity": 20.0, "early_exaggeration": 12.0,
                             "n_iter": 100} == run.load_json("latent/tsne_map.json")
    assert np.array_equal(run.load_array("latent/tsne_map_index.npy"), maps.runs[1].index)
    assert [x["void"] for x in recorded] == [v.record() for v in maps.voids]
    assert [r.n for r in maps.reference] == [300, 400, 300]
    # a Gaussian z against its Gaussian reference: t-SNE's own voids, a ratio near 1
    assert 0.6 < maps.voids[0].ratio < 1.5


def test_planes_record_void_shares_near_one_for_gaussian_z(planted, run):
    cfg = config.load("smoke", zoom_planes=(0, 1, 3, 7, 7, 30))  # (7, 30) does not exist in 12-d
    p = projections.planes(cfg, run, planted, LatentPCA().fit(planted))
    assert p.broad_axes[0] == 0 and p.ladders[(0, 1)][0].count == 4000 and len(p.original) == 2
    assert list(p.ladders) == [(0, 1), (3, 7)] and len(p.ladders[(0, 1)]) == 4
    r = store.read_results(run.path)["0x_test"]
    recorded = r["plane_voids"]
    assert set(recorded) == {"PCA 0,1", "PCA 3,7", f"z 0,{p.broad_axes[1]}"}
    for v in recorded.values():
        assert v["ratio"] == pytest.approx(1.0, abs=0.25)
    # the ladder: the blog's sides 5, 1, 0.5 as fractions of the axis FWHM 2, times ours (2.355)
    ladder = r["zoom_ladder"]
    assert ladder["spread_fwhm"] == pytest.approx(2.355, rel=0.03)
    sides = [x["side"] for x in ladder["planes"]["PCA 0,1"]]
    assert sides[0] is None and sides[1:] == pytest.approx([2.5 * 2.355, 0.5 * 2.355, 0.25 * 2.355],
                                                          rel=0.03)
    assert [x["points"] for x in ladder["planes"]["PCA 0,1"]] == [q.count for q in p.ladders[(0, 1)]]


def test_planes_reuse_the_reference_sample_of_the_maps(planted, run):
    cfg = config.load("smoke", tsne_sizes=(300,), tsne_pca_components=(2,), tsne_pca_sizes=(300,),
                      tsne_iter=50)
    maps = projections.tsne_maps(cfg, run, planted, progress=False)
    assert maps.gaussian.shape == planted.shape
    pca = LatentPCA().fit(planted)
    again = projections.planes(cfg, run, planted, pca, maps.gaussian)
    fresh = projections.planes(cfg, run, planted, pca)  # draws the same seeded sample itself
    assert {k: v.record() for k, v in again.voids.items()} == \
        {k: v.record() for k, v in fresh.voids.items()}


def test_filament_dimension_records_estimates_truth_and_ratio(run):
    rng = np.random.default_rng(5)
    z = (rng.standard_normal((1_500, 21)) @ rng.normal(size=(21, 64))).astype(np.float32)
    from nbhelpers.latent.voids import gaussian_reference

    cfg = config.load("smoke", id_points=1_500, id_k=60, id_neighbourhoods=10)
    dim = filaments.global_dimension(cfg, run, z, gaussian_reference(z, 1), truth=21)
    r = store.read_results(run.path)["0x_test"]["intrinsic_dimension"]
    assert r["z"]["local_dense"] == dim.z.local_dense == pytest.approx(21, abs=1)
    assert r["ratio_to_truth"]["local_dense"] == pytest.approx(1.0, abs=0.05)
    # a Gaussian with the same covariance is just as 21-dimensional: no filaments either way
    assert r["gaussian_reference"]["local_dense"] == pytest.approx(21, abs=1)


def test_filaments_step_records_the_scale_curve_and_the_squares_against_the_reference(run):
    rng = np.random.default_rng(6)
    t = rng.uniform(0, 2 * np.pi, 2_000)
    z = (np.c_[np.sin(t), np.cos(t), np.sin(3 * t)] @ rng.normal(size=(3, 32)) +
         1e-3 * rng.normal(size=(2_000, 32))).astype(np.float32)
    from nbhelpers.latent.pca import LatentPCA
    from nbhelpers.latent.voids import gaussian_reference

    cfg = config.load("smoke", zoom_planes=(0, 1, 1, 2), zoom_fractions=(2.5, 0.5))
    ref = gaussian_reference(z, 1)
    planes = projections.planes(cfg, run, z, LatentPCA().fit(z), ref)
    fil = filaments.by_scale(run, z, ref, planes, truth=3)
    r = store.read_results(run.path)["0x_test"]
    assert r["dimension_by_scale"]["lowest"]["z"] == pytest.approx(1.0, abs=0.1)
    assert r["dimension_by_scale"]["smallest_scale"]["gaussian_reference"] > 2.5  # rank 3
    assert r["dimension_by_scale"]["truth"] == 3 == fil.truth
    assert set(fil.lines) == set(planes.named()) == set(r["filament_lines"]["squares"])
    assert r["filament_lines"]["ratio"] < 0.3  # the curve projects to lines, its Gaussian not


def test_inputs_table_asks_03_for_data_json_and_08_for_no_vae_model(tmp_path):
    """Notebook 03 reads data.json (the factor count, after minutes of t-SNE) and notebook 08
    trains its own VAEs: the inputs checked before a run starts say so."""
    from nbhelpers.steps.artifacts import check_inputs

    run = store.RunDir(tmp_path)
    run.save_array("latent/z_ae.npy", np.zeros((20, 4), np.float32))
    with pytest.raises(store.ArtifactError, match="data.json"):
        check_inputs(run, ["03_tsne_filaments"])
    run.save_json("data.json", {"path": "x", "shape": [20, 8, 8, 3], "dtype": "uint8"})
    run.save_array("latent/z_vae.npy", np.zeros((20, 4), np.float32))
    check_inputs(run, ["03_tsne_filaments"])
    check_inputs(run, ["08_vae_latent_space"])  # no models/vae.keras needed
