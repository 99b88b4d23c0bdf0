"""Baselines: what is compared (order- and sign-free numbers only), tolerances from several seeds
by the stated rule, and a drift report that puts changed claims and the farthest moves first."""

import math
import statistics

import numpy as np
import pytest

from nbhelpers import baseline
from nbhelpers.latent.density import LatentDensity

NB2, NB4 = "02_latent_number_density", "04_pca_ellipses"


def _run(seed_shift: float = 0.0, **more) -> dict:
    return {"environment": {"seed": 0, "profile": "smoke", "versions": {"numpy": "2.0"}},
            "01_autoencoder_training": {"params": {"encoder": 1000, "decoder": 900},
                                        "loss_last_epoch": 0.5 + seed_shift,
                                        "seconds_per_epoch": 3.2},
            NB2: {"fit_r2_median": 0.98 + seed_shift / 10, "off_centre_count": 4,
                  "unusual_axes": [{"axis": 3, "center": -2.1}, {"axis": 7, "center": 2.4}],
                  **more},
            NB4: {"inside_2sigma": 0.87, "top_correlated_axes": [{"i": 1, "j": 5, "rho": -0.99}],
                  "ellipse_pairs": {"0,1": {"inside_2sigma": 0.86}}},
            "07_ground_truth_factors": {"probe_ae": {
                "mig": 0.02, "factors": {"smile": {"best_axis": 13, "r2": 0.4}}}}}


def test_only_order_and_sign_free_keys_are_compared():
    keys = set(baseline.compared(_run()))
    assert keys == {"01_autoencoder_training/params/encoder",
                    "01_autoencoder_training/params/decoder",
                    "01_autoencoder_training/loss_last_epoch", f"{NB2}/fit_r2_median",
                    f"{NB2}/off_centre_count", f"{NB4}/inside_2sigma",
                    "07_ground_truth_factors/probe_ae/mig"}
    # axis indices, signs, per-axis and per-pair records by position, timings: never
    for key in baseline.flatten(_run()):
        if any(w in key for w in ("axis", "axes", "rho", "pairs", "seconds", "environment")):
            assert baseline.group_of(key) is None, key


def test_the_density_summary_does_not_see_the_order_or_sign_of_axes():
    rng = np.random.default_rng(0)
    z = rng.normal(0, 1, (4000, 12)) * rng.uniform(0.5, 2, 12) + rng.normal(0, 2, 12)
    perm, flip = rng.permutation(12), np.where(rng.random(12) < 0.5, -1.0, 1.0)
    a = LatentDensity(bin_width=0.25).fit(z).summary()
    b = LatentDensity(bin_width=0.25).fit(z[:, perm] * flip).summary()
    assert a.keys() == b.keys()
    for k in a:
        assert a[k] == pytest.approx(b[k], rel=1e-4, abs=1e-4), k


def test_tolerance_rule_on_known_numbers():
    """The interval factor is Student's t at 1 - 0.01 / (2 m) with n - 1 degrees of freedom
    times sqrt(1 + 1/n): for 12 seeds and 100 keys t(11) at 0.99995 = 5.921, x 1.041."""
    assert baseline.interval_factor(12, 100) == pytest.approx(5.921 * math.sqrt(1 + 1 / 12),
                                                              rel=2e-3)
    assert baseline.interval_factor(12, 1) == pytest.approx(3.106 * math.sqrt(1 + 1 / 12), rel=2e-3)
    values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    mean, tol = baseline.tolerance(values, keys=90)
    assert mean == 3.5 and tol == pytest.approx(baseline.interval_factor(6, 90)
                                                * statistics.stdev(values))
    # one far seed: the widened range wins over the interval
    values = [0.0] * 99 + [10.0]
    mean, tol = baseline.tolerance(values)
    assert mean == pytest.approx(0.1) and tol == pytest.approx(baseline.WIDEN * 9.9)
    assert baseline.spread(values) == pytest.approx(baseline.WIDEN * 9.9)
    # seeds that agree exactly: the floor, never a rounding error's width
    assert baseline.tolerance([0.87] * 5)[1] == pytest.approx(0.0087)
    assert baseline.tolerance([0.0] * 5)[1] == baseline.FLOOR_ZERO
    assert baseline.tolerance([9] * 5)[1] == baseline.FLOOR_COUNT  # a count: one step
    assert baseline.tolerance([421216.0] * 5, exact=True) == (421216.0, 0.0)


def test_baseline_from_seeds_records_its_rule_and_what_made_it():
    runs = [_run(s / 100) for s in range(5)]
    for i, r in enumerate(runs):
        r["environment"]["seed"] = i
    b = baseline.make_baseline(runs, "five seeds")
    assert b["made_from"]["seeds"] == [0, 1, 2, 3, 4] and b["made_from"]["profile"] == "smoke"
    assert b["rule"] == baseline.RULE and "false-alarm rate of 1% per run" in b["rule"]
    loss = b["values"]["01_autoencoder_training/loss_last_epoch"]
    assert loss["value"] == pytest.approx(0.52) and loss["seeds"] == [0.5, 0.51, 0.52, 0.53, 0.54]
    keys = sum(not baseline.group_of(k).exact for k in b["values"])
    assert loss["tol"] == pytest.approx(baseline.interval_factor(5, keys)
                                        * statistics.stdev(loss["seeds"]), rel=1e-3)
    assert b["values"]["01_autoencoder_training/params/encoder"]["tol"] == 0.0
    assert set(b["groups"]) == {g.name for g in baseline.COMPARED}
    # every seed that made the baseline passes it
    assert all(baseline.compare(r, b).ok for r in runs)


def _seeded(shifts: list[float]) -> list[dict]:
    runs = [_run(x) for x in shifts]
    for i, r in enumerate(runs):
        r["environment"]["seed"] = i
    return runs


def test_few_seeds_borrow_the_noise_of_a_profile_with_more():
    """Two default seeds cannot measure their own noise (t with 1 degree of freedom at the
    per-run rate is thousands of sd): the interval takes the 12 smoke seeds' relative sd and
    their 11 degrees of freedom, or the two seeds' own sd where that is larger."""
    key = "01_autoencoder_training/loss_last_epoch"
    shifts = [0.01 * (i - 5.5) for i in range(12)]  # loss 0.445 ... 0.555, known sd
    smoke = baseline.make_baseline(_seeded(shifts))
    rel_sd = statistics.stdev([0.5 + x for x in shifts]) / 0.5
    m = sum(not baseline.group_of(k).exact for k in smoke["values"])
    quiet = baseline.make_baseline(_seeded([0.0, 0.002]), scale_from=smoke)
    t11 = baseline.interval_factor(2, m, dof=11)
    assert t11 == pytest.approx(baseline.interval_factor(12, m) * math.sqrt(1.5 / (13 / 12)))
    assert quiet["values"][key]["tol"] == pytest.approx(t11 * rel_sd * 0.501, rel=1e-3)
    assert key in quiet["lent_from_other_profile"]
    assert baseline.interval_factor(2, m) > 50 * t11  # its own seeds alone: useless
    noisy = baseline.make_baseline(_seeded([0.0, 0.2]), scale_from=smoke)  # 0.5 / 0.7
    assert noisy["values"][key]["tol"] == pytest.approx(
        t11 * statistics.stdev([0.5, 0.7]), rel=1e-3)
    # model sizes stay exact, and without a lender the own rule stands
    assert noisy["values"]["01_autoencoder_training/params/encoder"]["tol"] == 0.0
    # one seed: a tolerance only from borrowed noise, else the key is not compared at all
    # (a one-seed key at the 1 % floor flagged a held-out default seed 18 tolerances out)
    one = baseline.make_baseline(_seeded([0.0]), scale_from=smoke)
    assert one["values"][key]["tol"] == pytest.approx(
        baseline.interval_factor(1, m, dof=11) * rel_sd * 0.5, rel=1e-3)
    bare = baseline.make_baseline(_seeded([0.0]))
    assert key in bare["one_seed_not_compared"] and key not in bare["values"]
    assert bare["values"]["01_autoencoder_training/params/encoder"]["tol"] == 0.0
    alone = baseline.make_baseline(_seeded([0.0, 0.002]))
    assert alone["lent_from_other_profile"] == [] and alone["values"][key]["tol"] == (
        pytest.approx(baseline.interval_factor(2, m) * statistics.stdev([0.5, 0.502]), rel=1e-3))


def test_remake_applies_the_rule_to_the_stored_seeds_and_keeps_the_rest():
    key = "01_autoencoder_training/loss_last_epoch"
    smoke = baseline.make_baseline(_seeded([0.01 * (i - 5.5) for i in range(12)]))
    old = {**baseline.make_baseline(_seeded([0.0, 0.002])), "claims": {"voids": "holds"}}
    old["values"][key]["tol"] = 99.0  # made by some earlier rule
    new = baseline.remake(old, smoke, "remade")
    assert new["values"][key]["tol"] == baseline.make_baseline(
        _seeded([0.0, 0.002]), scale_from=smoke)["values"][key]["tol"]
    assert new["values"][key]["value"] == old["values"][key]["value"]
    assert new["values"][key]["seeds"] == old["values"][key]["seeds"]
    assert new["claims"] == {"voids": "holds"} and new["made_from"] == old["made_from"]
    assert new["note"].endswith("; remade") and "degrees of freedom" in new["rule"]


def test_report_puts_changed_claims_first_then_the_farthest_move_then_missing_and_added():
    b = {**baseline.make_baseline([_run(s / 100) for s in range(5)]), "claims": {"voids": "holds"}}
    now = _run(0.02)
    now["01_autoencoder_training"]["loss_last_epoch"] = 0.9  # far
    now[NB2]["fit_r2_median"] = 1.0  # a little past its tolerance
    del now[NB4]["inside_2sigma"]
    now[NB2]["broad_count"] = 3
    d = baseline.compare(now, b, {"voids": "does not hold"})
    assert not d.ok and [m.key for m in d.moved] == ["01_autoencoder_training/loss_last_epoch",
                                                       f"{NB2}/fit_r2_median"]
    assert d.missing == [f"{NB4}/inside_2sigma"] and d.added == [f"{NB2}/broad_count"]
    lines = d.report().splitlines()
    assert lines[0].endswith("DRIFT") and lines[1] == "  claim    voids: holds -> does not hold"
    assert lines[2] == "  01_autoencoder_training:" and "loss_last_epoch" in lines[3]
    far = d.moved[0]
    assert far.units == pytest.approx(abs(0.9 - 0.52) / far.tol)
    assert f"moved  loss_last_epoch: {far.units:.1f} tolerances" in lines[3]
    assert lines[4] == f"  {NB2}:" and lines[-2:] == [f"  missing  {NB4}/inside_2sigma",
                                                     f"  added    {NB2}/broad_count"]
    nan = _run(0.02)
    nan[NB4]["inside_2sigma"] = float("nan")
    assert not baseline.compare(nan, b).ok


def test_every_claim_reads_a_compared_key():
    from nbhelpers import claims

    for c in claims.CLAIMS:
        assert baseline.group_of(c.key) is not None, c.key


def _run_dir(tmp_path, name: str, results: dict):
    import json

    path = tmp_path / name
    path.mkdir()
    (path / "results.json").write_text(json.dumps(results))
    return str(path)


def test_baseline_command_makes_one_from_several_runs_and_refuses_mixed_ones(tmp_path, capsys):
    import json

    from nbhelpers.__main__ import main

    runs = []
    for seed in range(3):
        r = _run(seed / 100)
        r["environment"]["seed"] = seed
        runs.append(_run_dir(tmp_path, f"s{seed}", r))
    out = tmp_path / "b.json"
    assert main(["baseline", "--runs", *runs, "--out", str(out), "--note", "a test"]) == 0
    b = json.loads(out.read_text())
    assert b["made_from"]["seeds"] == [0, 1, 2] and b["note"].endswith("; a test")
    assert b["values"]["01_autoencoder_training/loss_last_epoch"]["seeds"] == [0.5, 0.51, 0.52]
    assert main(["check", runs[1], "--baseline", str(out)]) == 0
    twice = main(["baseline", "--runs", runs[0], runs[0], "--out", str(tmp_path / "x.json")])
    assert twice == 2 and "different seeds, found profiles ['smoke'] and seeds [0, 0]" in \
        capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()


def test_baseline_command_remakes_tolerances_from_stored_seeds(tmp_path, capsys):
    import json

    from nbhelpers.__main__ import main

    key = "01_autoencoder_training/loss_last_epoch"
    smoke, old = tmp_path / "smoke.json", tmp_path / "default.json"
    smoke.write_text(json.dumps(baseline.make_baseline(_seeded([0.001 * i for i in range(12)]))))
    seeded = _seeded([0.0, 0.002])
    for r in seeded:  # seven digits: the stored seeds keep six
        r["01_autoencoder_training"]["params"]["encoder"] = 2747971
    before = baseline.make_baseline(seeded)
    old.write_text(json.dumps(before))
    assert main(["baseline", "--remake", str(old), "--scale-from", str(smoke)]) == 0
    after = json.loads(old.read_text())
    assert key in after["lent_from_other_profile"]
    assert after["values"][key]["tol"] < before["values"][key]["tol"] / 10  # t(1) -> t(11)
    assert "made anew from the seeds [0, 1]" in capsys.readouterr().out
    assert main(["baseline", "--scale-from", str(smoke)]) == 2
    assert "expected --runs RUN_DIR ... (one per seed) or --remake BASELINE, found neither" in \
        capsys.readouterr().err
    # a third seed whose run is on disk joins the two stored ones
    third = _run(0.02)
    third["environment"]["seed"] = 2
    third["01_autoencoder_training"]["params"]["encoder"] = 2747971
    run = _run_dir(tmp_path, "s2", third)
    assert main(["baseline", "--remake", str(old), "--runs", run, "--scale-from", str(smoke),
                 "--out", str(tmp_path / "three.json")]) == 0
    three = json.loads((tmp_path / "three.json").read_text())
    assert three["made_from"]["seeds"] == [0, 1, 2]
    assert three["values"][key]["seeds"] == [0.5, 0.502, 0.52]
    assert three["values"][key]["value"] == pytest.approx(statistics.fmean([0.5, 0.502, 0.52]))
    assert three["made_from"]["added_runs"][0]["seed"] == 2
    assert three["values"]["01_autoencoder_training/params/encoder"]["value"] == 2747971
    assert main(["check", run, "--baseline", str(tmp_path / "three.json")]) == 0
    again = _run_dir(tmp_path, "again", {**third, "environment": {**third["environment"],
                                                                  "seed": 1}})
    assert main(["baseline", "--remake", str(old), "--runs", again]) == 2  # seed 1 is stored
    assert "seeds [0, 1, 1]" in capsys.readouterr().err
