import numpy as np
import pytest

from nbhelpers.latent import ellipses
from nbhelpers.latent.ellipses import ConfidenceEllipses


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
    assert stats["0,1"]["inside_2sigma"] == round(panels[0].ellipses.inside_[2.0], 4)
    assert stats["0,1"]["inside_2sigma"] == pytest.approx(0.865, abs=0.006)
    assert ellipses.mean_inside(panels, 3) == pytest.approx(0.989, abs=0.003)
    assert stats["0,2"]["rho"] == pytest.approx(0.0, abs=0.02)


def test_unfitted_ellipses_say_so():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError, match="not fitted"):
        ConfidenceEllipses().outline(2.0)
