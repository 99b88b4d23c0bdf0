import numpy as np
import pytest
from scipy import stats

from nbhelpers.latent import sampling


@pytest.fixture(scope="module")
def z():
    rng = np.random.default_rng(0)
    cov = np.array([[2.0, 0.8, 0.0, 0.3], [0.8, 1.0, -0.4, 0.0], [0.0, -0.4, 1.5, 0.2],
                    [0.3, 0.0, 0.2, 0.5]])
    return rng.multivariate_normal([1.0, -1.0, 0.5, 0.0], cov, 40_000), cov


def test_multivariate_normal_matches_fitted_mean_and_covariance(z):
    data, cov = z
    s = sampling.MultivariateNormal(random_state=1).fit(data)
    x = s.sample(60_000)
    np.testing.assert_allclose(x.mean(0), s.mean_, atol=0.03)
    np.testing.assert_allclose(np.cov(x, rowvar=False), s.cov_, atol=0.04)
    np.testing.assert_allclose(s.cov_, cov, atol=0.06)


def test_independent_normal_has_no_correlations(z):
    data, cov = z
    x = sampling.IndependentNormal(random_state=2).fit(data).sample(60_000)
    np.testing.assert_allclose(x.std(0), np.sqrt(np.diag(cov)), rtol=0.03)
    r = np.corrcoef(x, rowvar=False)
    assert np.abs(r - np.eye(4)).max() < 0.02


def test_standard_normal_and_uniforms(z):
    data, _ = z
    x = sampling.StandardNormal(random_state=3).fit(data).sample(60_000)
    np.testing.assert_allclose(x.mean(0), 0, atol=0.02)
    np.testing.assert_allclose(np.cov(x, rowvar=False), np.eye(4), atol=0.03)
    box = sampling.UniformBox(a=2.0, random_state=4).fit(data)
    xb = box.sample(40_000)
    assert np.abs(xb).max() <= 2.0 and stats.kstest(xb[:, 0], stats.uniform(-2, 4).cdf).pvalue > 0.01
    rng_s = sampling.UniformCore(random_state=5).fit(data)
    xr = rng_s.sample(40_000)
    assert (xr >= data.min(0)).all() and (xr <= data.max(0)).all()
    np.testing.assert_allclose(xr.mean(0), (rng_s.low_ + rng_s.high_) / 2, atol=0.1)


def test_range_sampler_bounds_the_bell_core_not_the_wings():
    """A Gaussian axis with flat wings (the blog: a bell-shaped core, then a long flat tail):
    the interval is where the fitted Gaussian falls to 1 % of its peak, mu +- 3.03 sigma."""
    rng = np.random.default_rng(11)
    core = rng.normal(2.0, 0.5, 95_000)
    wings = rng.uniform(-20.0, 20.0, 5_000)
    s = sampling.UniformCore(core=0.01).fit(np.concatenate([core, wings])[:, None])
    reach = 0.5 * np.sqrt(2 * np.log(100))  # 1.52: sigma sqrt(2 ln 100)
    assert s.low_[0] == pytest.approx(2.0 - reach, abs=0.15)  # the wings widen the IQR a little
    assert s.high_[0] == pytest.approx(2.0 + reach, abs=0.15)  # not the wings' +-20
    with pytest.raises(ValueError, match="core must lie in"):
        sampling.UniformCore(core=1.5).fit(core[:, None])


def test_confined_sampler_stays_inside_its_mahalanobis_radius(z):
    data, _ = z
    s = sampling.ConfinedNormal(n_sigma=2.0, random_state=6).fit(data)
    assert s.radius_ == pytest.approx(np.sqrt(stats.chi2.ppf(0.9545, 4)), rel=1e-3)
    x = s.sample(20_000)
    assert len(x) == 20_000 and (s.mahalanobis(x) <= s.radius_ + 1e-9).all()
    # inside the region it is still the fitted normal: its mean does not move
    np.testing.assert_allclose(x.mean(0), s.mean_, atol=0.04)


def test_gaussian_mixture_recovers_two_clusters():
    rng = np.random.default_rng(7)
    data = np.concatenate([rng.normal(-4, 1, (5000, 2)), rng.normal(4, 1, (5000, 2))])
    s = sampling.GaussianMixtureSampler(k=2, random_state=8).fit(data)
    x = s.sample(20_000)
    assert np.mean(x[:, 0] > 0) == pytest.approx(0.5, abs=0.02)
    assert np.abs(x[:, 0]).mean() == pytest.approx(4.0, abs=0.1)


def test_gaussian_mixture_on_a_subset_recovers_the_same_clusters():
    rng = np.random.default_rng(7)
    data = np.concatenate([rng.normal(-4, 1, (30_000, 2)), rng.normal(4, 1, (10_000, 2))])
    full = sampling.GaussianMixtureSampler(k=2, max_points=None).fit(data).gmm_
    sub = sampling.GaussianMixtureSampler(k=2, max_points=2_000).fit(data).gmm_
    order_f, order_s = np.argsort(full.means_[:, 0]), np.argsort(sub.means_[:, 0])
    np.testing.assert_allclose(sub.means_[order_s], full.means_[order_f], atol=0.1)
    np.testing.assert_allclose(sub.weights_[order_s], [0.75, 0.25], atol=0.03)
    with pytest.raises(ValueError, match="at least the number of components"):
        sampling.GaussianMixtureSampler(k=10, max_points=5).fit(data)


def test_samples_repeat_for_a_random_state(z):
    data, _ = z
    for s in sampling.fit_all(sampling.standard_set(gmm_components=2, random_state=11),
                              data).values():
        a, b = s.sample(50), s.sample(50)
        c = s.set_params(random_state=12).sample(50)  # the fit stays; the draws change
        np.testing.assert_array_equal(a, b)
        assert not np.array_equal(a, c), s.name


def test_unfitted_sampler_says_so():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError, match="MultivariateNormal instance is not fitted"):
        sampling.MultivariateNormal().sample(3)
    assert repr(sampling.ConfinedNormal(3.0)) == "ConfinedNormal(n_sigma=3.0)"


def test_gaussian_mixture_sampling_leaves_the_fitted_mixture_unchanged():
    rng = np.random.default_rng(3)
    data = np.concatenate([rng.normal(-4, 1, (3000, 2)), rng.normal(4, 1, (1000, 2))])
    s = sampling.GaussianMixtureSampler(k=2, random_state=5).fit(data)
    state = s.gmm_.random_state
    x = s.sample(20_000)
    assert s.gmm_.random_state == state
    assert np.mean(x[:, 0] > 0) == pytest.approx(0.25, abs=0.02)
    assert np.mean(x[:10_000, 0] > 0) == pytest.approx(0.25, abs=0.02)  # components interleaved


def test_paths_and_attribute_vectors():
    from nbhelpers.latent import attributes

    a, b = np.zeros(3), np.array([2.0, 4.0, 6.0])
    line = sampling.line(a, b, 5)
    np.testing.assert_allclose(line[2], [1, 2, 3])
    np.testing.assert_allclose(line[-1], b)
    rng = np.random.default_rng(9)
    z = rng.standard_normal((4000, 3))
    mask = rng.random(4000) < 0.3
    z[mask] += [0.0, 2.0, 0.0]
    vec = attributes.attribute_vector(z, mask)
    np.testing.assert_allclose(vec, [0, 2, 0], atol=0.12)
    steps = attributes.attribute_steps(z[0], vec, (0, 1))
    np.testing.assert_allclose(steps[1] - steps[0], vec, atol=1e-6)
    with pytest.raises(ValueError, match="with and without"):
        attributes.attribute_vector(z, np.ones(4000, bool))
