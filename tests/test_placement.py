"""Where draws sit relative to the real points (``latent.placement``), on planted clouds."""

import numpy as np
import pytest

from nbhelpers.latent.placement import MapBox, RealNeighbours


def test_draws_from_the_real_distribution_sit_about_one_nearest_neighbour_away():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(4_000, 6))
    reals = RealNeighbours().fit(real)
    same = reals.ratio(rng.normal(size=(1_000, 6)))  # fresh points of the same distribution
    assert same == pytest.approx(1.15, abs=0.15)  # a new point has no twin: a little over 1
    assert reals.ratio(real[:500]) == 0.0  # the real points themselves
    far = reals.ratio(rng.normal(size=(1_000, 6)) + 10.0)  # a cloud beside the real one
    assert far > 10 * same


def test_the_map_box_counts_draws_inside_and_measures_distance_in_the_reals_units():
    rng = np.random.default_rng(1)
    xy = rng.uniform(-1, 1, size=(10_000, 2))
    box = MapBox.of(xy)
    assert box.inside(xy) == pytest.approx(0.98 * 0.98, abs=0.01)  # 1st-99th per axis
    assert box.inside(xy + 5) == 0.0
    assert box.distance(xy) == pytest.approx(1.0, abs=0.02)
    assert box.distance(2 * xy) == pytest.approx(2.0, abs=0.05)


def test_too_few_real_points_are_refused():
    with pytest.raises(ValueError, match=r"N >= 2.*\(1, 3\)"):
        RealNeighbours().fit(np.zeros((1, 3)))
