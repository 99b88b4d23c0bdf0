"""The analysis steps of notebooks 02-04 on planted z-points: what they record is what their
result objects (and so the figures) carry."""

import numpy as np
import pytest

from nbhelpers import config, store
from nbhelpers.latent import ellipses
from nbhelpers.steps import density, pca_study, tsne


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
    cfg = config.load("smoke", bin_width=0.25)
    d = density.number_density(cfg, run, planted)
    r = store.read_results(run.path)["0x_test"]
    assert [row["axis"] for row in r["off_center_axes"]] == [0, 1]
    assert r["sigma_median"] == pytest.approx(1.0, abs=0.05) == d.sigma_median_
    assert r["radius_peak"] == d.radius_peak_ and r["radius_expected"] == pytest.approx(np.sqrt(12))


def test_ellipse_study_records_the_shares_the_panels_show(planted, run):
    cfg = config.load("smoke", pca_pairs_max=12, trim_facts=(1.0, 1.7))
    dens = pca_study.axis_density(cfg, planted)
    kept = pca_study.survivors(cfg, run, planted, dens)
    assert kept[1.0] < kept[1.7] <= 4000
    trimmed = pca_study.trimmed_pca(cfg, run, planted, dens, 1.7)
    panels = pca_study.ellipse_study(cfg, run, trimmed)
    r = store.read_results(run.path)["0x_test"]
    assert r["survivors_by_fact"] == {"1.0": kept[1.0], "1.7": kept[1.7]} and r["survivors"] == kept[1.7]
    assert r["pearson_max_offdiag"] < 1e-6
    every = panels["near"] + panels["far"]
    assert r["ellipse_pairs"] == ellipses.panel_stats(every)
    assert r["inside_2sigma"] == ellipses.mean_inside(every, 2)
    assert r["inside_2sigma"] == pytest.approx(0.865, abs=0.03)  # trimmed Gaussians: near chi2(2)


def test_tsne_maps_record_each_run_with_its_settings(planted, run):
    cfg = config.load("smoke", tsne_sizes=(300,), tsne_pca_components=(2,), tsne_pca_n=300,
                      tsne_iter=100, perplexity=20.0)
    maps = tsne.tsne_maps(cfg, run, planted, progress=False)
    recorded = store.read_results(run.path)["0x_test"]["tsne_runs"]
    assert [{k: v for k, v in x.items() if k not in ("void", "reference_kl")}
            for x in recorded] == [r.record() for r in maps.runs]
    assert [(x["n"], x["input"], x["perplexity"]) for x in recorded] == [(300, "raw z", 20.0),
                                                                         (300, "PCA 2", 20.0)]
    assert [x["void"] for x in recorded] == [v.record() for v in maps.voids]
    assert [r.n for r in maps.reference] == [300, 300]
    # a Gaussian z against its Gaussian reference: t-SNE's own voids, a ratio near 1
    assert 0.6 < maps.voids[0].ratio < 1.5


def test_planes_record_void_shares_near_one_for_gaussian_z(planted, run):
    p = tsne.planes(config.load("smoke"), run, planted)
    assert p.broad_axes[0] == 0 and p.pca[0].count == 4000 and len(p.original) == 2
    recorded = store.read_results(run.path)["0x_test"]["plane_voids"]
    assert set(recorded) == {"PCA 0,1", f"z 0,{p.broad_axes[1]}"}
    for v in recorded.values():
        assert v["ratio"] == pytest.approx(1.0, abs=0.25)


def test_planes_reuse_the_reference_sample_of_the_maps(planted, run):
    cfg = config.load("smoke", tsne_sizes=(300,), tsne_pca_components=(2,), tsne_pca_n=300,
                      tsne_iter=50)
    maps = tsne.tsne_maps(cfg, run, planted, progress=False)
    assert maps.sample.shape == planted.shape
    again = tsne.planes(cfg, run, planted, maps.sample)
    fresh = tsne.planes(cfg, run, planted)  # draws the same seeded sample itself
    assert {k: v.record() for k, v in again.voids.items()} == \
        {k: v.record() for k, v in fresh.voids.items()}
