"""The void measure on planted data: Gaussian against Gaussian near 1, planted holes above 1."""

import numpy as np
import pytest

from nbhelpers.latent.voids import empty_share, gaussian_reference, void_share


def test_a_gaussian_against_another_gaussian_gives_a_ratio_near_one():
    rng = np.random.default_rng(0)
    cov = [[3.0, 1.0], [1.0, 1.0]]
    a, b = rng.multivariate_normal([1, 2], cov, 20_000), rng.multivariate_normal([1, 2], cov, 20_000)
    v = void_share(a, b)
    assert v.ratio == pytest.approx(1.0, abs=0.1)
    assert 0.0 < v.empty_reference < 0.5 and v.cells == pytest.approx(19_600 / 5, rel=0.05)


def test_planted_holes_give_a_ratio_clearly_above_one():
    rng = np.random.default_rng(1)
    ref = rng.standard_normal((20_000, 2))
    x = rng.standard_normal((60_000, 2))
    # keep only points on thin rings and spokes: filaments around voids
    r, phi = np.hypot(x[:, 0], x[:, 1]), np.arctan2(x[:, 1], x[:, 0])
    on_ring = np.abs((r * 2) % 1 - 0.5) < 0.08
    on_spoke = np.abs((phi * 6 / np.pi) % 1 - 0.5) < 0.04
    holes = x[on_ring | on_spoke][:20_000]
    v = void_share(holes, ref)
    assert v.ratio > 2.0 and v.empty > 0.3


def test_empty_share_counts_cells_without_points():
    xy = np.array([[0.1, 0.1], [0.9, 0.9]])
    assert empty_share(xy, (0, 1, 0, 1), 2) == 0.5
    with pytest.raises(ValueError, match="two maps of shape"):
        void_share(np.zeros((10, 3)), np.zeros((100, 2)))


def test_gaussian_reference_has_the_mean_and_covariance():
    rng = np.random.default_rng(2)
    z = rng.standard_normal((50_000, 3)) @ np.array([[2, 0, 0], [1, 1, 0], [0, 0.5, 0.3]]) + 5
    ref = gaussian_reference(z, seed=3)
    assert ref.shape == z.shape and ref.dtype == np.float32
    np.testing.assert_allclose(ref.mean(axis=0), z.mean(axis=0), atol=0.03)
    np.testing.assert_allclose(np.cov(ref, rowvar=False), np.cov(z, rowvar=False), atol=0.06)


def test_normalise_makes_the_measure_blind_to_position_and_scale():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((20_000, 2)), rng.standard_normal((20_000, 2))
    assert void_share(a * 7 + 3, b, normalise=True).ratio == pytest.approx(1.0, abs=0.1)
    assert void_share(a * 7 + 3, b).ratio > 3  # unnormalised: mostly outside the reference box
