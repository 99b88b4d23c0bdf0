import numpy as np
import pytest
from scipy.stats import gaussian_kde

from nbhelpers.latent import ellipses
from nbhelpers.latent.ellipses import ConfidenceEllipses, density_grid


@pytest.fixture(scope="module")
def correlated():
    rng = np.random.default_rng(0)
    cov = np.array([[4.0, 1.8], [1.8, 1.5]])
    return rng.multivariate_normal([1.0, -2.0], cov, 50_000), cov


def test_fraction_inside_matches_chi_square_two_dof(correlated):
    xy, cov = correlated
    e = ConfidenceEllipses().fit(xy)
    assert e.rho_ == pytest.approx(1.8 / np.sqrt(4.0 * 1.5), abs=0.01)
    assert ellipses.chi2_inside(2) == pytest.approx(0.8647, abs=1e-4)
    assert e.inside_[2.0] == pytest.approx(0.865, abs=0.006)
    assert e.inside_[3.0] == pytest.approx(0.989, abs=0.003)
    assert e.inside_[1.0] == pytest.approx(0.393, abs=0.008)


def test_outline_is_the_mahalanobis_curve(correlated):
    xy, _ = correlated
    e = ConfidenceEllipses().fit(xy)
    pts = e.outline(2.0) - e.mean_
    m = np.sqrt(np.einsum("ij,jk,ik->i", pts, np.linalg.inv(e.cov_), pts))
    np.testing.assert_allclose(m, 2.0, rtol=1e-6)


def test_top_correlated_pairs():
    rng = np.random.default_rng(1)
    z = rng.standard_normal((5000, 6))
    z[:, 4] = 0.9 * z[:, 1] + 0.3 * z[:, 4]
    z[:, 5] = -0.6 * z[:, 2] + 0.8 * z[:, 5]
    pairs = ellipses.top_correlated_pairs(ellipses.pearson(z), 2)
    assert [(i, j) for i, j, _ in pairs] == [(1, 4), (2, 5)]
    assert pairs[1][2] < 0


def test_fast_kde_agrees_with_scipy_gaussian_kde(correlated):
    xy = correlated[0][:2000]
    grid = density_grid(xy, gridsize=60)
    px, py = np.meshgrid(grid.x, grid.y)
    ref = gaussian_kde(xy.T)(np.vstack([px.ravel(), py.ravel()])).reshape(px.shape)
    rel = np.linalg.norm(grid.density - ref) / np.linalg.norm(ref)
    assert rel < 0.02
    # the same contours: the regions above each level coincide
    for level in grid.levels((0.9, 0.5)):
        a, b = grid.density >= level, ref >= level
        assert (a ^ b).sum() / max(b.sum(), 1) < 0.05
    cell = (grid.x[1] - grid.x[0]) * (grid.y[1] - grid.y[0])
    assert grid.density.sum() * cell == pytest.approx(1.0, abs=0.03)


def test_levels_enclose_the_masses(correlated):
    grid = density_grid(correlated[0], gridsize=150)
    cell = (grid.x[1] - grid.x[0]) * (grid.y[1] - grid.y[0])
    for mass in (0.5, 0.8):
        level = grid.levels((mass,))[0]
        assert grid.density[grid.density >= level].sum() * cell == pytest.approx(mass, abs=0.02)


def test_bad_input():
    with pytest.raises(ValueError, match=r"expected points of shape \(N >= 3, 2\)"):
        ConfidenceEllipses().fit(np.zeros((10, 3)))
