"""The whole series on 2,000 real CelebA faces (../shared/data, the smoke profile at 32x32): what
it must find on real photos, not only that it finished, and its check against the committed
real-face baseline. Skipped, with the reason, where the shared faces are absent (a user's clone).

The lines below are findings with room, not fitted values: the six seeds of
baselines/smoke-celeba10k.json lie well inside them (their values are in that file)."""

import json

import pytest

from nbhelpers import regression, store

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def results(real_smoke_run):
    return store.read_results(real_smoke_run)


def test_the_run_says_which_photos_it_used(real_smoke_run, shared_faces):
    info = json.loads((real_smoke_run / "data.json").read_text())
    images = info["images"]
    assert info["kind"] == "photos" and images["folder"] == str(shared_faces)
    assert images["count"] == 2_000 and images["available"] == 10_000
    assert images["first"][0] == "000001.jpg" and images["last"] == "002000.jpg"
    assert len(info["labels"]["names"]) == 40 and all(info["labels"]["binary"])
    report = (real_smoke_run / "report.html").read_text()
    assert images["names_sha256"] in report and "upsampled" not in report  # 89 px -> 32 px


def test_the_ae_reconstructs_real_faces_far_better_than_the_mean_face(results):
    """The AE's loss lies below the mean face's, it leaves well under the mean face's excess
    loss, and a reconstruction is recognisably its own photo: nearest it among 200 held-out
    photos far more often than chance (0.5 %)."""
    r = results["01_autoencoder_training"]
    q = r["reconstruction"]
    assert q["faces"] == 200 and q["floor"] < q["loss"] < q["mean_face_loss"]
    assert q["excess_share"] < 0.7
    assert q["identified"] > 0.15
    assert r["loss_last_epoch"] < r["loss_first_epoch"]


def test_male_and_smiling_are_read_from_z_above_chance(results):
    """CelebA's attributes probed as classes from the AE's z: Male and Smiling clearly above
    chance (ROC AUC 0.5), and the attribute vector of Male adds Male."""
    r = results["07_ground_truth_factors"]
    probe = r["probe_ae"]["factors"]
    assert probe["Male"]["kind"] == "binary" and probe["Male"]["auc"] > 0.65
    assert probe["Smiling"]["auc"] > 0.57
    assert r["probe_ae"]["auc_mean"] > 0.6 and "r2_mean" not in r["probe_ae"]
    arithmetic = r["attribute_arithmetic"]["attributes"]
    assert set(arithmetic) == {"Smiling", "Male", "Eyeglasses", "Blond_Hair"}
    assert arithmetic["Male"]["rise"] > 0.1
    assert "skipped on photos" in r["gaussian_question"]["skipped"]


def test_the_real_run_checks_no_drift_against_the_real_face_baseline(real_smoke_run):
    rows, drift, path, why = regression.check(real_smoke_run)
    assert path is not None and path.name == "smoke-celeba10k.json", why
    assert drift.ok, drift.report()
    assert drift.compared >= 60 and not drift.added and not drift.not_run


def test_the_report_sets_the_blog_real_faces_and_synthetic_faces_side_by_side(real_smoke_run):
    report = (real_smoke_run / "report.html").read_text()
    head = report[report.index("<h2>Findings</h2>"):report.index("</tr>", report.index(
        "<h2>Findings</h2>"))]
    for column in ("the blog (CelebA)", "this run (real faces)", "real faces<br>",
                   "smoke-celeba10k.json", "synthetic faces<br>", "smoke.json"):
        assert column in head, column
