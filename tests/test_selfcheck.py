"""Self-checks (``selfcheck``): the committed values are what the code computes, each near
the answer its theory gives, and a wrong constant departs at once."""

import json
import sys
from pathlib import Path

import pytest

from nbhelpers import selfcheck

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))


@pytest.fixture(scope="module")
def fresh():
    from self_checks import self_checks

    return self_checks()["values"]


def test_the_committed_self_checks_are_what_the_code_computes(fresh):
    committed = json.loads((ROOT / "baselines" / "self_checks.json").read_text())["values"]
    assert set(committed) == set(fresh)
    for nb, checks in committed.items():
        assert selfcheck.departures(fresh[nb], checks) == [], nb


def test_each_check_lies_near_the_answer_its_theory_gives(fresh):
    loose = {"tsne_kl": None, "line_dimension": 1.0, "density_self": 0.15,
             "radius_peak_16d": 0.05, "core_half_width": 0.02, "mvn_covariance": 0.05,
             "void_cells": 0.1}
    for checks in fresh.values():
        for name, row in checks.items():
            slack = loose.get(name, 0.03)
            if slack is not None:
                assert row["value"] == pytest.approx(row["expected"], rel=slack, abs=slack), name


def test_a_wrong_constant_departs_at_numerical_precision(fresh, monkeypatch):
    from nbhelpers.latent import density

    monkeypatch.setattr(density, "FWHM_PER_SIGMA", 2.0)  # 15 % off: the planted kind
    found = selfcheck.run("02_latent_number_density")
    lines = selfcheck.departures(found, fresh["02_latent_number_density"])
    assert any(ln.startswith("fwhm_per_sigma: 2 where the committed value is 2.35") for ln in lines)
