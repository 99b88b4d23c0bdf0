"""Intrinsic dimension on clouds whose dimension is known."""

import numpy as np
import pytest

from nbhelpers.latent.dimension import intrinsic_dimension


def test_a_curved_filament_in_256_dimensions_is_locally_one_dimensional():
    rng = np.random.default_rng(0)
    t = rng.uniform(0, 20, 3_000)
    curve = np.c_[np.sin(t), np.cos(t), t / 5] @ rng.normal(size=(3, 256))
    d = intrinsic_dimension(curve + 1e-4 * rng.normal(size=curve.shape), 3_000, k=60, n_local=30)
    assert d.local_dense == 1 and d.local_random == 1 and d.mle < 1.5


def test_a_cloud_of_21_factors_gives_21_locally_and_a_gaussian_its_neighbourhood_cap():
    rng = np.random.default_rng(1)
    factors = rng.standard_normal((4_000, 21)) @ rng.normal(size=(21, 256))
    d = intrinsic_dimension(factors, 4_000, k=100, n_local=20)
    assert d.local_dense == pytest.approx(21, abs=1) and d.local_random == pytest.approx(21, abs=1)
    assert 14 < d.twonn < 24 and 14 < d.mle < 24  # global estimators underestimate at this n
    full = intrinsic_dimension(rng.standard_normal((4_000, 256)), 4_000, k=100, n_local=20)
    assert full.local_dense > 80 and full.twonn > 60  # capped by the k - 1 = 99 neighbours
    assert set(d.record()) == {"twonn", "mle", "local_dense", "local_random", "n", "k", "n_local"}


def test_too_few_points_for_the_neighbourhood_is_refused():
    with pytest.raises(ValueError, match="N >= 3 k"):
        intrinsic_dimension(np.zeros((50, 3)), k=20)
