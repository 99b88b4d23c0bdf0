"""Baselines: what is compared, tolerances from a seed spread, drift found and named."""

import pytest

from nbhelpers import baseline

RUN = {"environment": {"seed": 0, "versions": {"numpy": "2.0"}},
       "01_a": {"loss": 0.5, "seconds_per_epoch": 3.2, "epochs": 3, "ok": True,
                "table": [{"n": 100, "kl": 1.25, "seconds": 4.0}],
                "resources": {"rss_gb": 0.9}, "data_path": "/x"}}


def test_flatten_keeps_what_the_seed_determines():
    assert baseline.flatten(RUN) == {"01_a/loss": 0.5, "01_a/epochs": 3.0, "01_a/ok": 1.0,
                                     "01_a/table[0]/n": 100.0, "01_a/table[0]/kl": 1.25}


def test_tolerances_from_the_spread_of_two_seeds():
    other = {"01_a": {"loss": 0.52, "epochs": 3, "table": [{"n": 100, "kl": 1.05}]}}
    b = baseline.make_baseline(RUN, other, factor=1.5)
    v = b["values"]
    assert v["01_a/loss"]["abs"] == pytest.approx(0.03) and v["01_a/epochs"]["abs"] == 0.0
    assert v["01_a/table[0]/kl"]["abs"] == pytest.approx(0.3)
    assert v["01_a/ok"] == {"value": 1.0, "abs": baseline.DEFAULT_ABS, "rel": baseline.DEFAULT_REL}
    assert b["tolerance_from"] == "seed spread"


def test_compare_names_moved_missing_and_added_keys():
    b = baseline.make_baseline(RUN, {"01_a": {"loss": 0.52}})
    assert baseline.compare(RUN, b).ok
    moved = {"01_a": {**RUN["01_a"], "loss": 0.6, "new": 1.0}}
    del moved["01_a"]["epochs"]
    d = baseline.compare(moved, b)
    assert not d.ok and [m[0] for m in d.moved] == ["01_a/loss"]
    assert d.missing == ["01_a/epochs"] and d.added == ["01_a/new"]
    text = d.report()
    assert "moved    01_a/loss: baseline 0.5, now 0.6 (tolerance 0.03)" in text
    assert "missing  01_a/epochs" in text and "DRIFT" in text
    within = {"01_a": {**RUN["01_a"], "loss": 0.529}}
    assert baseline.compare(within, b).ok


def test_scale_from_lends_relative_tolerances_by_key():
    smoke = baseline.make_baseline({"01_a": {"loss": 0.5, "n": 0.0}},
                                   {"01_a": {"loss": 0.52, "n": 0.0}})
    big = {"01_a": {"loss": 0.25, "n": 3.0, "only_here": 7.0}}
    b = baseline.make_baseline(big, scale_from=smoke)
    v = b["values"]
    assert v["01_a/loss"]["rel"] == pytest.approx(0.03 / 0.5 + baseline.FLOOR_REL)
    assert baseline.compare({"01_a": {**big["01_a"], "loss": 0.264}}, b).ok  # within 6 %
    assert not baseline.compare({"01_a": {**big["01_a"], "loss": 0.27}}, b).ok
    assert v["01_a/only_here"]["rel"] == baseline.DEFAULT_REL
    assert v["01_a/n"]["rel"] == baseline.DEFAULT_REL  # no spread measured there: the default
    assert b["tolerance_from"] == "relative seed spread of another profile's baseline"
