import numpy as np
import pytest

from nbhelpers.latent.density import FWHM_PER_SIGMA, LatentDensity, fit_gaussian, histogram

PLANTED = {5: (3.0, 1.0), 11: (0.0, 3.0), 17: (-2.5, 2.0)}  # axis: (centre, sigma)


@pytest.fixture(scope="module")
def planted():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((60_000, 24)).astype(np.float32)
    for axis, (c, s) in PLANTED.items():
        z[:, axis] = c + s * z[:, axis]
    return z, LatentDensity(bin_width=0.25).fit(z)


def test_fitted_centres_and_widths_come_back(planted):
    _, d = planted
    for axis, (c, s) in PLANTED.items():
        assert d.centers_[axis] == pytest.approx(c, abs=0.05)
        assert d.sigmas_[axis] == pytest.approx(s, rel=0.03)
        assert d.fwhm_[axis] == pytest.approx(FWHM_PER_SIGMA * s, rel=0.03)
    rest = [j for j in range(24) if j not in PLANTED]
    np.testing.assert_allclose(d.centers_[rest], 0.0, atol=0.05)
    np.testing.assert_allclose(d.sigmas_[rest], 1.0, rtol=0.03)
    assert d.sigma_median_ == pytest.approx(1.0, rel=0.03)
    assert d.fit_r2_.min() > 0.99


def test_unusual_axes_are_the_planted_ones(planted):
    _, d = planted
    assert d.unusual_axes_.tolist() == sorted(PLANTED)
    table = d.axis_table()
    assert [row["axis"] for row in table] == sorted(PLANTED)


def test_every_axis_has_a_histogram_with_the_bin_width(planted):
    z, d = planted
    assert len(d.histograms_) == 24
    h = d.histograms_[11]
    assert h.counts.sum() == len(z)
    np.testing.assert_allclose(np.diff(h.centers), 0.25)


@pytest.mark.parametrize("z_dim", [64, 256])
def test_radius_peaks_near_sqrt_zdim_for_unit_gaussians(z_dim):
    z = np.random.default_rng(1).standard_normal((40_000, z_dim)).astype(np.float32)
    d = LatentDensity().fit(z)
    assert d.radius_expected_ == np.sqrt(z_dim)
    # the chi distribution peaks at sqrt(z_dim - 1); within a quarter of the coarse bin
    assert d.radius_peak_ == pytest.approx(np.sqrt(z_dim - 1), abs=0.15)
    assert set(d.radius_histograms_) == {0.5, 0.05}
    assert d.radius_histograms_[0.05].counts.sum() == len(z)


def test_radius_range_names_where_the_radial_density_is_empty():
    z = np.random.default_rng(2).standard_normal((100_000, 64))
    d = LatentDensity().fit(z)
    rr = d.radius_range_
    r = np.linalg.norm(z, axis=1)
    assert rr["min"] == pytest.approx(r.min()) and rr["max"] == pytest.approx(r.max())
    # chi(64): quantiles 0.001 and 0.999 from scipy
    from scipy.stats import chi

    assert rr["low"] == pytest.approx(chi.ppf(0.001, 64), rel=0.01)
    assert rr["high"] == pytest.approx(chi.ppf(0.999, 64), rel=0.01)
    assert rr["min"] > 4  # empty near the origin: no point within a radius of 4 of 0


def test_a_vae_like_cloud_peaks_at_the_chi_mode_with_widths_scaled_to_its_spread():
    from nbhelpers.latent.scale import axis_spread, widths

    z = np.random.default_rng(3).standard_normal((50_000, 128))
    spread = axis_spread(z)
    d = LatentDensity(bin_width=0.125 * spread, radius_widths=widths((0.25, 0.025), spread)).fit(z)
    assert d.radius_peak_ == pytest.approx(np.sqrt(128 - 1), rel=0.02)


def test_trim_keeps_points_inside_fact_fwhm_on_every_axis(planted):
    z, d = planted
    fact = 1.25
    mask = d.trim(z, fact)
    lo, hi = d.centers_ - fact * d.fwhm_, d.centers_ + fact * d.fwhm_
    assert ((z[mask] >= lo) & (z[mask] <= hi)).all()
    assert not ((z[~mask] >= lo) & (z[~mask] <= hi)).all(axis=1).any()
    # for Gaussians each axis keeps P(|x| <= 2.94 sigma); 24 independent axes
    from scipy.stats import norm

    expected = (2 * norm.cdf(fact * FWHM_PER_SIGMA) - 1) ** 24
    assert mask.mean() == pytest.approx(expected, abs=0.01)
    surv = [int(d.trim(z, f).sum()) for f in (1.25, 1.5, 1.8)]
    assert surv[0] == mask.sum() and surv[0] < surv[1] < surv[2] <= len(z)


def test_gaussian_fit_of_a_histogram():
    x = np.random.default_rng(2).normal(1.5, 0.7, 20_000)
    (amp, c, s), r2 = fit_gaussian(histogram(x, 0.1))
    assert c == pytest.approx(1.5, abs=0.02) and s == pytest.approx(0.7, rel=0.03) and r2 > 0.98


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match=r"expected z-points as an \(N, z_dim\) array"):
        LatentDensity().fit(np.zeros(5))
