import numpy as np
import pytest

from nbhelpers.latent.scale import BLOG_AXIS_FWHM, FWHM_PER_SIGMA, axis_spread, widths


def test_spread_is_the_median_axis_fwhm_of_known_gaussians():
    rng = np.random.default_rng(0)
    sigmas = np.array([1.0] * 7 + [3.0, 10.0])  # two broad axes do not move the median
    z = rng.standard_normal((60_000, 9)) * sigmas
    assert axis_spread(z) == pytest.approx(FWHM_PER_SIGMA * 1.0, rel=0.02)
    assert axis_spread(3 * z) == pytest.approx(3 * FWHM_PER_SIGMA, rel=0.02)


def test_blog_widths_become_the_same_fractions_of_any_spread():
    assert BLOG_AXIS_FWHM == 2.0
    assert [w / BLOG_AXIS_FWHM for w in (0.25, 0.5, 0.05, 5.0)] == [0.125, 0.25, 0.025, 2.5]
    # on the blog's own scale (FWHM 2) the fractions give back the blog's widths
    assert widths((0.125, 0.25, 0.025), 2.0) == pytest.approx((0.25, 0.5, 0.05))
    assert widths((0.125,), 6.6) == pytest.approx((0.825,))


def test_a_collapsed_cloud_and_bad_shapes_are_refused():
    with pytest.raises(ValueError, match="no spread"):
        axis_spread(np.ones((100, 4)))
    with pytest.raises(ValueError, match=r"\(N >= 4, z_dim\)"):
        axis_spread(np.ones(10))
