"""The series' time estimate: the work each notebook does at a profile, the seconds it takes at
given rates, the remaining time as the series goes, and the command that measures the rates."""

import json
import subprocess
import sys

import pytest

from nbhelpers import config
from nbhelpers.steps import estimate


def test_work_follows_the_profile(tmp_path):
    """Smoke: 1,800 of 2,000 images trained for 3 epochs, all encoded once; six t-SNE maps of
    500 + 1,500 + 750 + 3 x 1,500 points and their references at 250 iterations; two VAEs."""
    cfg = config.load("smoke")
    w = estimate.work(cfg, 2_000)
    assert w["01"].train == pytest.approx(1_800 * 3 + 2_000 / 3)
    assert w["03"].tsne == 2 * (500 + 1_500 + 750 + 3 * 1_500) * 250 and w["03"].train == 0
    assert w["05"].train == pytest.approx(2 * 1_800 * 3 + 2 * 2 * 256 + 2 * 400 / 3)
    assert w["02"] == w["04"] == estimate.Work()
    # fewer photos than the profile asks for: less work; photos have no uniform-factor twin AEs
    photos = config.load("smoke", data=str(tmp_path))
    assert estimate.work(photos, 1_000)["01"].train < w["01"].train
    assert estimate.work(photos, 2_000)["07"].train < w["07"].train
    # the default plan does more of everything
    big = estimate.work(config.load("default"), 20_000)
    assert all(big[nb].train >= w[nb].train and big[nb].tsne >= w[nb].tsne for nb in w)


def test_seconds_are_work_over_rates_plus_the_scaled_rest():
    rates = estimate.Rates(images_per_s=100.0, tsne_per_s=estimate.REFERENCE["tsne_rate"] / 2)
    assert rates.slower == pytest.approx(2.0)
    s = estimate.seconds({"03": estimate.Work(train=1_000, tsne=rates.tsne_per_s * 7)}, rates)
    assert s["03"] == pytest.approx(10 + 7 + 2 * estimate.REST["03"])


def test_the_time_left_follows_the_pace_so_far():
    est = {"notebooks": {"01": 100.0, "02": 50.0, "03": 200.0}}
    # 01 took twice its estimate: the rest (250 s) is expected to as well
    assert estimate.left_line(est, {"01": 200.0}, ["02", "03"]) == (
        "about 8 min left in the series (so far 2.00 x the estimate)")
    # nothing finished yet: the estimate itself; a wild first notebook is held within 3 x
    assert estimate.left_line(est, {}, ["03"]).startswith("about 3 min left")
    assert "3.00 x" in estimate.left_line(est, {"01": 5_000.0}, ["02"])


@pytest.mark.slow
def test_the_estimate_command_measures_this_machine(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "nbhelpers", "estimate", "--profile", "smoke",
                           "--json", "--set", "epochs=2"],
                          capture_output=True, text=True, timeout=300, check=True)
    est = json.loads(proc.stdout.strip().splitlines()[-1])
    assert est["rates"]["images_per_s"] > 10 and est["rates"]["tsne_per_s"] > 1_000
    assert set(est["notebooks"]) == set(estimate.REST)
    assert est["total"] == pytest.approx(sum(est["notebooks"].values()), abs=0.5)
    cfg = config.load("smoke", epochs=2)
    works = estimate.work(cfg, 2_000)
    rates = estimate.Rates(**est["rates"])
    assert est["notebooks"]["01"] == pytest.approx(estimate.seconds(works, rates)["01"], abs=0.1)
    line = estimate.lines(est, ["01", "02"])[0]
    assert line.startswith("estimate: about ") and "for 2 notebooks" in line
