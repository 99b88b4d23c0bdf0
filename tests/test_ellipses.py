import numpy as np
import pytest

from nbhelpers.latent import ellipses
from nbhelpers.latent.ellipses import ConfidenceEllipses, ellipse_panels, mean_inside


def test_fraction_inside_matches_chi_square_two_dof(correlated):
    xy, cov = correlated
    e = ConfidenceEllipses().fit(xy)
    assert e.rho_ == pytest.approx(1.8 / np.sqrt(4.0 * 1.5), abs=0.01)
    inside = ellipses.shares_inside(e, xy, (1, 2, 3))
    assert inside[2.0] == pytest.approx(0.865, abs=0.006)
    assert inside[3.0] == pytest.approx(0.989, abs=0.003)
    assert inside[1.0] == pytest.approx(0.393, abs=0.008)
    # fitted on one sample, measured on another of the same law: the same shares
    other = np.random.default_rng(99).multivariate_normal([1.0, -2.0], cov, 20_000)
    assert e.fraction_inside(other, 2.0) == pytest.approx(0.865, abs=0.01)
    with pytest.raises(ValueError, match="n_sigmas must be positive"):
        ellipses.shares_inside(e, xy, (0, 2))


def test_outline_is_the_mahalanobis_curve(correlated):
    xy, _ = correlated
    e = ConfidenceEllipses().fit(xy)
    pts = e.outline(2.0) - e.mean_
    m = np.sqrt(np.einsum("ij,jk,ik->i", pts, np.linalg.inv(e.cov_), pts))
    np.testing.assert_allclose(m, 2.0, rtol=1e-6)


def test_bad_input():
    with pytest.raises(ValueError, match=r"expected points of shape \(N >= 3, 2\)"):
        ConfidenceEllipses().fit(np.zeros((10, 3)))


def test_panels_record_the_shares_the_figure_shows(correlated):
    xy, _ = correlated
    x = np.column_stack([xy, np.random.default_rng(3).standard_normal(len(xy))])
    panels = ellipses.ellipse_panels(x, [(0, 1), (0, 2)], max_points=1000)
    assert [(p.i, p.j) for p in panels] == [(0, 1), (0, 2)] and panels[0].n == len(x)
    assert len(panels[0].shown) == 1000
    stats = ellipses.panel_stats(panels)
    assert stats["0,1"]["inside_2sigma"] == round(panels[0].inside[2.0], 4)
    assert stats["0,1"]["inside_2sigma"] == pytest.approx(0.865, abs=0.006)
    assert ellipses.mean_inside(panels, 3) == pytest.approx(0.989, abs=0.003)
    assert stats["0,2"]["rho"] == pytest.approx(0.0, abs=0.02)


def test_unfitted_ellipses_say_so():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError, match="not fitted"):
        ConfidenceEllipses().outline(2.0)


def test_ellipses_from_gaussian_fits_use_the_given_centre_and_widths(correlated):
    correlated = correlated[0]
    e = ConfidenceEllipses(center=(0.0, 0.0), std=(1.0, 1.0)).fit(correlated)
    assert e.mean_ == pytest.approx([0.0, 0.0]) and e.std_ == pytest.approx([1.0, 1.0])
    sample = ConfidenceEllipses().fit(correlated)
    assert e.rho_ == pytest.approx(sample.rho_)
    # a twice too wide fit: the 1-sigma ellipse holds the sample's 2-sigma share
    wide = ConfidenceEllipses(center=sample.mean_, std=2 * sample.std_).fit(correlated)
    assert wide.fraction_inside(correlated, 1.0) == pytest.approx(
        sample.fraction_inside(correlated, 2.0), abs=1e-9)
    with pytest.raises(ValueError, match="two positive widths"):
        ConfidenceEllipses(std=(1.0, 0.0)).fit(correlated)


def test_panels_count_shares_on_a_subset_and_carry_the_fitted_ellipses(correlated):
    x = np.c_[correlated[0], correlated[0][:, :1]]
    fits = (x.mean(axis=0), x.std(axis=0))
    panels = ellipse_panels(x, [(0, 1)], max_points=100, share_points=500, fits=fits)
    p = panels[0]
    assert p.n == 500 and len(p.shown) == 100
    stats = p.stats()
    # fits from all 50,000 points, shares on 500 of them (binomial SD of a share: 0.015)
    assert stats["fit_inside_2sigma"] == pytest.approx(stats["inside_2sigma"], abs=0.045)
    assert mean_inside(panels, 2, fitted=True) == stats["fit_inside_2sigma"] == \
        round(p.fit_inside[2.0], 4)
