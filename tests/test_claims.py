"""Every claim holds on results where its finding holds, and does not hold where it is broken."""

import copy

import pytest

from nbhelpers import claims


def _results() -> dict:
    """results.json of a run in which every finding of the blog holds (z_dim 256)."""
    return {
        "01_autoencoder_training": {"loss_first_epoch": 0.65, "loss_last_epoch": 0.55},
        "02_latent_number_density": {"fit_r2_median": 0.99, "off_center_count": 5,
                                     "radius_expected": 16.0, "radius_peak": 16.5,
                                     "sigma_median": 1.0},
        "03_tsne_filaments": {
            "tsne_runs": [{"n": 20000, "void": {"ratio": 1.8}}, {"n": 80000, "void": {"ratio": 2.1}}],
            "plane_voids": {"PCA 0,1": {"ratio": 1.6}},
            "raw_pca_variance": [0.2, 0.05, 0.03],
            "intrinsic_dimension": {"z": {"local_dense": 1.0, "twonn": 1.4},
                                    "gaussian_reference": {"local_dense": 99.0}, "truth": None}},
        "04_pca_ellipses": {"pearson_max_offdiag": 1.5e-7, "components_for_80pct": 120,
                            "inside_2sigma": 0.874, "inside_3sigma": 0.991},
        "05_vae_extra_dense_layer": {
            "encoder_params": {"z256": 5_107_520, "z256_dense256": 2_879_552},
            "variants": {"vae": {"loss_first_epoch": 20000.0, "loss_last_epoch": 15000.0,
                                 "val_loss_last_epoch": 15428.0},
                         "vae_nodense": {"val_loss_last_epoch": 15416.0}},
            "normal_faces_realism": {"vae": {"precision": 0.62}, "vae_nodense": {"precision": 0.65}}},
        "06_face_generation": {"realism": {
            "ae/uniform_box": {"precision": 0.01, "frechet": 75.0},
            "ae/uniform_range": {"precision": 0.10, "frechet": 19.0},
            "ae/normal": {"precision": 0.002, "frechet": 107.0},
            "ae/mvn": {"precision": 0.93, "frechet": 3.75},
            "ae/gmm": {"precision": 0.95, "frechet": 2.04}}},
        "07_ground_truth_factors": {"gaussian_question": {
            "carried_share": 0.7,
            "table": {"normal": {"PCA components": {"ks_median": 0.01}},
                      "uniform": {"PCA components": {"ks_median": 0.05}}}}},
        "08_vae_latent_space": {"kl_sweep": {"rows": {
            "1": {"radius_peak": 8.0, "precision": 0.6}, "0.001": {"radius_peak": 60.0, "precision": 0.02},
            "0": {"radius_peak": 64.0, "precision": 0.0}}}},
    }


# claim id -> a change to the results that breaks its finding
BREAKS = {
    "ae_loss_falls": ("01_autoencoder_training", "loss_last_epoch", 0.7),
    "axes_gaussian": ("02_latent_number_density", "fit_r2_median", 0.6),
    "few_axes_off_centre": ("02_latent_number_density", "off_center_count", 68),
    "radius_peak": ("02_latent_number_density", "radius_peak", 62.5),
    "radius_peak_scaled": ("02_latent_number_density", "sigma_median", 3.0),
    "voids": ("03_tsne_filaments", "plane_voids", {"PCA 0,1": {"ratio": 1.0}}),
    "pearson_diagonal": ("04_pca_ellipses", "pearson_max_offdiag", 0.01),
    "components_80pct": ("04_pca_ellipses", "components_for_80pct", 9),
    "components_80pct_share": ("04_pca_ellipses", "components_for_80pct", 200),
    "ellipses_2sigma": ("04_pca_ellipses", "inside_2sigma", 0.80),
    "ellipses_3sigma": ("04_pca_ellipses", "inside_3sigma", 0.95),
    "vae_loss_falls": ("05_vae_extra_dense_layer", "variants",
                       {"vae": {"loss_first_epoch": 1.0, "loss_last_epoch": 2.0,
                                "val_loss_last_epoch": 1.0}}),
    "extra_dense_halves_encoder": ("05_vae_extra_dense_layer", "variants",
                                   {"vae": {"val_loss_last_epoch": 18000.0},
                                    "vae_nodense": {"val_loss_last_epoch": 15000.0}}),
    "pca_one_dominant": ("03_tsne_filaments", "raw_pca_variance", [0.1, 0.09, 0.08]),
    "filaments_one_dimensional": ("03_tsne_filaments", "intrinsic_dimension",
                                  {"z": {"local_dense": 21.0, "twonn": 18.0},
                                   "gaussian_reference": {"local_dense": 99.0}, "truth": 21}),
    "extra_dense_keeps_quality": ("05_vae_extra_dense_layer", "normal_faces_realism",
                                  {"vae": {"precision": 0.3}, "vae_nodense": {"precision": 0.65}}),
    "gaussian_from_factors": ("07_ground_truth_factors", "gaussian_question",
                              {"carried_share": 0.1, "table": {
                                  "normal": {"PCA components": {"ks_median": 0.01}},
                                  "uniform": {"PCA components": {"ks_median": 0.015}}}}),
    "tiny_kl_like_ae": ("08_vae_latent_space", "kl_sweep", {"rows": {
        "1": {"radius_peak": 8.0, "precision": 0.6}, "0.001": {"radius_peak": 20.0, "precision": 0.5},
        "0": {"radius_peak": 64.0, "precision": 0.0}}}),
    "mvn_gives_faces": ("06_face_generation", "realism", None),
    "gmm_at_least_mvn": ("06_face_generation", "realism", None),
}


def _status(results) -> dict:
    return {r["id"]: r["status"] for r in claims.evaluate(results)}


def test_every_claim_holds_on_results_that_hold():
    assert set(_status(_results()).values()) == {claims.HOLDS}
    assert {c.id for c in claims.CLAIMS} == set(BREAKS)


@pytest.mark.parametrize("claim_id", sorted(BREAKS))
def test_each_claim_can_fail(claim_id):
    r = _results()
    notebook, key, value = BREAKS[claim_id]
    if claim_id == "voids":
        for run in r[notebook]["tsne_runs"]:
            run["void"]["ratio"] = 1.02
    if value is None:  # the realism table: make the broken finding true
        t = r[notebook][key]
        if claim_id == "mvn_gives_faces":
            t["ae/uniform_range"]["precision"] = 0.8
        else:
            t["ae/gmm"]["frechet"] = 9.0
    else:
        r[notebook][key] = value
    status = _status(r)
    assert status[claim_id] == claims.FAILS
    assert sum(s == claims.FAILS for s in status.values()) <= 2  # the break is local


def test_missing_values_are_not_measured_with_the_reason():
    r = _results()
    del r["03_tsne_filaments"]
    del r["04_pca_ellipses"]["inside_3sigma"]
    rows = {row["id"]: row for row in claims.evaluate(r)}
    assert rows["voids"]["status"] == claims.NOT_MEASURED
    assert rows["voids"]["value"] == "03_tsne_filaments did not run"
    assert rows["ellipses_3sigma"]["value"] == "04_pca_ellipses recorded no inside_3sigma"
    assert rows["ellipses_2sigma"]["status"] == claims.HOLDS


def test_blog_and_ours_are_marked_and_the_summary_counts():
    ours = {c.id for c in claims.CLAIMS if c.ours}
    assert ours == {"radius_peak_scaled", "voids", "components_80pct_share",
                    "filaments_one_dimensional", "gaussian_from_factors", "tiny_kl_like_ae"}
    text = claims.summary(claims.evaluate(copy.deepcopy(_results())))
    assert text.splitlines()[-1] == f"{len(claims.CLAIMS)} holds, 0 does not hold, 0 not measured"


def test_the_open_questions_are_answered_from_recorded_numbers():
    rows = {r["id"]: r for r in claims.evaluate(_results())}
    # |ln(60 / 64)| / |ln(8 / 64)| = 3 % of the way in radius peak
    assert rows["tiny_kl_like_ae"]["value"].startswith("weight 0.001: 3% of the way from the AE")
    assert "local dimension 1 in the densest" in rows["filaments_one_dimensional"]["value"]
    skipped = _results()
    skipped["07_ground_truth_factors"]["gaussian_question"] = {"skipped": "skipped on CelebA: ..."}
    row = {r["id"]: r for r in claims.evaluate(skipped)}["gaussian_from_factors"]
    assert row["status"] == claims.NOT_MEASURED and row["value"].startswith("skipped on CelebA")
