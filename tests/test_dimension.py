"""Intrinsic dimension on clouds whose dimension is known."""

import numpy as np
import pytest

from nbhelpers.latent.dimension import dimension_by_scale, intrinsic_dimension, ladder
from nbhelpers.latent.planes import flatness, square_flatness


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


def _curve(n: int, seed: int) -> np.ndarray:
    """A closed, wiggled curve in 256 dimensions with noise far below its point spacing."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, 2 * np.pi, n)
    basis = np.c_[np.sin(t), np.cos(t), np.sin(2 * t), np.cos(3 * t), np.sin(5 * t) / 2]
    x = basis @ rng.normal(size=(5, 256))
    return x + 1e-4 * rng.normal(size=x.shape)


def test_dimension_against_scale_finds_a_filament_one_dimensional_at_small_scales():
    d = dimension_by_scale(_curve(3_000, 0))
    assert list(d.k) == list(ladder(3_000)) and d.k[0] == 5 and d.k[-1] == 2_999
    assert d.dimension[:6] == pytest.approx(1.0, abs=0.1)  # up to k = 59 of 3,000
    assert d.lowest()[0] == pytest.approx(1.0, abs=0.05)
    assert np.all(np.diff(d.radius) > 0)  # larger neighbourhoods reach further
    assert d.record()["n"] == d.queries == 3_000


def test_dimension_against_scale_gives_a_21_factor_cloud_about_21_and_a_gaussian_its_rank():
    rng = np.random.default_rng(1)
    f = rng.standard_normal((10_000, 21)) @ rng.normal(size=(21, 256))
    d = dimension_by_scale(f + 1e-6 * rng.normal(size=f.shape), queries=3_000)
    # the maximum-likelihood estimate falls a little short in many dimensions (finite samples):
    # 18.0 at k = 5 here, 17.6 with 5,000 points; never near 1
    assert 17 < d.dimension[0] < 22 and d.lowest()[0] > 10
    g = dimension_by_scale(rng.standard_normal((3_000, 8)))
    assert g.dimension[0] == pytest.approx(8, rel=0.1)
    assert g.dimension[-1] < 3  # the whole cloud: every estimate falls at its edge


def test_dimension_against_scale_refuses_what_it_cannot_measure():
    with pytest.raises(ValueError, match="N >= 8"):
        dimension_by_scale(np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"\[2, 99\]"):
        dimension_by_scale(np.random.default_rng(0).normal(size=(100, 3)), ks=[5, 100])


def test_a_filament_projects_to_lines_and_a_gaussian_to_none():
    curve = _curve(5_000, 2)
    rng = np.random.default_rng(3)
    gauss = rng.multivariate_normal(np.zeros(256), np.cov(curve, rowvar=False), 5_000)
    for i, j in ((0, 1), (7, 100), (30, 200)):  # any plane: a string projects to lines
        f = square_flatness(curve[:, [i, j]], gauss[:, [i, j]])
        assert f.z < 0.05 and 0.4 < f.reference < 0.6 and f.ratio < 0.1
    same = square_flatness(gauss[:2_500, :2], gauss[2_500:, :2])
    assert same.ratio == pytest.approx(1.0, abs=0.1)  # a Gaussian has no excess of lines
    assert flatness(rng.uniform(size=(10, 2))) is None  # fewer than m + 1 = 11 points
    assert square_flatness(curve[:40, :2], gauss[:, :2]).record()["ratio"] is None  # < 50 points
