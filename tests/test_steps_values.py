"""Value-level tests of the headline numbers of notebooks 06 and 08, on made-up rows whose
answers are known by hand, and of the realism judge those notebooks share."""

import dataclasses
import math

import pytest

from nbhelpers import config, store
from nbhelpers.latent.metrics import sampler_margins, tiny_kl_way


def _rows(radii, precisions):
    return {w: {"radius_peak": r, "precision": p}
            for w, r, p in zip(("0", "0.001", "0.1", "1"), radii, precisions, strict=True)}


def test_the_tiny_kl_way_is_measured_in_logarithms_of_the_radius_and_in_precision():
    # radius 100 (the AE) -> 10 (tiny) -> 1 (weight 1): half the way in logarithms
    way = tiny_kl_way(_rows((100.0, 10.0, 3.0, 1.0), (0.1, 0.3, 0.7, 0.9)), 2_000)
    assert way["tiny"] == "0.001" and way["large"] == "1"
    assert way["radius"] == pytest.approx(0.5) and way["precision"] == pytest.approx(0.25)
    assert way["worst"] == pytest.approx(0.5)
    like_ae = tiny_kl_way(_rows((100.0, 99.0, 3.0, 1.0), (0.1, 0.1, 0.7, 0.9)), 2_000)
    assert like_ae["worst"] == pytest.approx(math.log(100 / 99) / math.log(100), abs=1e-4)


def test_a_way_within_its_noise_is_not_measured():
    # both precisions 0: no way to cover; 0.50 against 0.52 on 400 draws: within 3 standard errors
    flat = tiny_kl_way(_rows((100.0, 10.0, 3.0, 1.0), (0.0, 0.0, 0.0, 0.0)), 400)
    assert flat["precision"] is None and flat["worst"] == pytest.approx(0.5)
    noisy = tiny_kl_way(_rows((5.0, 5.0, 5.0, 5.0), (0.50, 0.9, 0.6, 0.52)), 400)
    assert noisy["radius"] is None and noisy["precision"] is None and noisy["worst"] is None


def test_a_collapsed_vae_radius_of_zero_has_no_way_in_logarithms():
    """Seen on real faces (smoke, seed 3): the weight-1 VAE of the sweep collapsed its mu to 0,
    radius peak 0; the way in log radius is not measured, the precision way still is."""
    way = tiny_kl_way(_rows((9.0, 8.0, 3.0, 0.0), (0.1, 0.3, 0.7, 0.9)), 2_000)
    assert way["radius"] is None and way["worst"] == way["precision"] == pytest.approx(0.25)


def test_a_sweep_without_the_ae_reference_says_so():
    rows = {"0.001": {"radius_peak": 1.0, "precision": 0.1},
            "1": {"radius_peak": 1.0, "precision": 0.1}}
    assert "needs weight 0" in tiny_kl_way(rows, 100)["skipped"]


def test_the_sampler_margins_name_the_best_naive_sampler():
    table = {"mvn": {"precision": 0.9, "frechet": 4.0}, "gmm": {"precision": 0.95, "frechet": 2.0},
             "uniform_box": {"precision": 0.0, "frechet": 90.0},
             "uniform_core": {"precision": 0.35, "frechet": 30.0},
             "normal": {"precision": 0.1, "frechet": 60.0}}
    m = sampler_margins(table, ("uniform_box", "uniform_core", "normal"))
    assert (m.precision_margin, m.best_naive, m.best_naive_precision, m.gmm_frechet_ratio) == (
        0.55, "uniform_core", 0.35, 0.5)


def test_the_gaussian_question_carried_share_on_hand_built_rows():
    from nbhelpers.latent.normality import carried_share

    normal = {"factors": {"ks_median": 0.01}, "PCA components": {"ks_median": 0.02}}
    half = {"factors": {"ks_median": 0.06}, "PCA components": {"ks_median": 0.045}}
    assert carried_share(normal, half) == pytest.approx(0.5)  # half the factors' departure
    closer = {"factors": {"ks_median": 0.06}, "PCA components": {"ks_median": 0.01}}
    assert carried_share(normal, closer) == pytest.approx(-0.2)  # closer to normal than before


@pytest.mark.parametrize("n_train, val_fraction", [(600, 0.1), (6_000, 0.1), (100, 0.2), (7, 0.3)])
def test_images_for_training_hold_the_training_and_validation_rows_a_training_takes(
        n_train, val_fraction):
    from nbhelpers.data import images_for_training, split_indices

    need_val = round(n_train * val_fraction / (1 - val_fraction))

    def enough(n):
        train, val = split_indices(n, val_fraction)
        return len(train) >= n_train and len(val) >= need_val

    n = images_for_training(n_train, val_fraction)
    assert enough(n) and not enough(n - 1)  # enough, and no fewer images are


def test_the_realism_judge_is_fitted_once_per_run_and_refitted_when_its_settings_change(tmp_path):
    """Notebook 05 fits the judge; 06 and 08 read it from the run (same scores, file unchanged);
    another ``realism_k`` refits it and replaces the file; a damaged file is refitted, not read."""
    from nbhelpers.data import Dataset
    from nbhelpers.data.synthfaces import make_faces
    from nbhelpers.steps import judge

    faces = make_faces(600, 16, seed=1)[0]
    ds = Dataset(faces, tmp_path / "faces.npy", "planted faces")
    cfg = dataclasses.replace(config.load("smoke"), val_fraction=0.25, seed=2)
    run05, run06 = store.RunDir(tmp_path / "run", "05_x"), store.RunDir(tmp_path / "run", "06_x")
    fitted = judge.judge(cfg, run05, ds)
    saved = run05.entry(judge.JUDGE)["sha256"]
    read = judge.judge(cfg, run06, ds)
    assert read is not fitted and run06.entry(judge.JUDGE)["sha256"] == saved
    assert read.score(faces[:100]) == fitted.score(faces[:100])
    refit = judge.judge(dataclasses.replace(cfg, realism_k=3), run06, ds)
    assert refit.k == 3 and run06.entry(judge.JUDGE)["sha256"] != saved
    (tmp_path / "run" / judge.JUDGE).write_bytes(b"damaged")
    again = judge.judge(cfg, run06, ds)  # the hash no longer matches: fitted again
    assert again.score(faces[:100]) == fitted.score(faces[:100])
