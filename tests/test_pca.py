import numpy as np
import pytest

from nbhelpers.latent.correlation import pearson_check
from nbhelpers.latent.pca import LatentPCA, component_pairs, pca_after_trim


@pytest.fixture(scope="module")
def planted():
    """z with a planted covariance spectrum and a random rotation."""
    rng = np.random.default_rng(0)
    d = 40
    spectrum = np.concatenate([[20.0, 10.0, 6.0], np.linspace(3.0, 0.5, d - 3)])
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    x = rng.standard_normal((30_000, d)) * np.sqrt(spectrum)
    return (x @ q.T + 2.0).astype(np.float32), spectrum


def test_components_for_80_percent_match_the_planted_spectrum(planted):
    z, spectrum = planted
    pca = LatentPCA().fit(z)
    expected = int(np.searchsorted(np.cumsum(spectrum) / spectrum.sum(), 0.8) + 1)
    assert pca.components_for_target_ == expected
    np.testing.assert_allclose(pca.explained_variance_ratio_[:3], spectrum[:3] / spectrum.sum(),
                               rtol=0.05)
    assert pca.cumulative_[-1] == pytest.approx(1.0)


def test_pearson_matrix_after_pca_is_diagonal(planted):
    z, _ = planted
    before = pearson_check(z)
    after = pearson_check(LatentPCA().fit(z).transform(z))
    assert before["max_offdiag"] > 0.1
    assert after["max_offdiag"] < 1e-6 and after["max_diag_deviation"] < 1e-6


def test_pca_walk_moves_along_one_component():
    rng = np.random.default_rng(10)
    z = rng.standard_normal((3000, 5)) * [5, 2, 1, 1, 1]
    pca = LatentPCA().fit(z)
    walk = pca.walk(0, steps=7, span=3)
    coords = pca.transform(walk)
    np.testing.assert_allclose(coords[:, 1:], 0, atol=1e-4)
    np.testing.assert_allclose(coords[[0, -1], 0], [-15, 15], rtol=0.05)


def test_point_is_the_mean_plus_standard_deviations_along_components():
    rng = np.random.default_rng(11)
    z = rng.standard_normal((4000, 4)) * [4, 2, 1, 1] + 3.0
    pca = LatentPCA().fit(z)
    coords = pca.transform(pca.point([1.0, -2.0])[None, :])[0]
    np.testing.assert_allclose(coords[:2], [np.sqrt(pca.explained_variance_[0]),
                                            -2 * np.sqrt(pca.explained_variance_[1])], rtol=1e-5)
    np.testing.assert_allclose(coords[2:], 0, atol=1e-4)


def test_unfitted_pca_and_bad_target_say_so():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError, match="not fitted"):
        LatentPCA().transform(np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"target must lie in \(0, 1\], found 1.5"):
        LatentPCA(target=1.5).fit(np.zeros((5, 2)))
    assert repr(LatentPCA(target=0.9)) == "LatentPCA(target=0.9)"


def test_pca_after_trim_uses_the_survivors_only():
    z = np.random.default_rng(12).standard_normal((500, 3))
    mask = z[:, 0] > 0
    t = pca_after_trim(z, mask, 1.7)
    assert t.n == mask.sum() and t.components.shape == (mask.sum(), 3) and t.fact == 1.7
    with pytest.raises(ValueError, match="keeps only 0 points"):
        pca_after_trim(z, np.zeros(500, bool), 0.1)


def test_component_pairs_near_and_far():
    pairs = component_pairs(200, first=10, far_max=120, far_step=10)
    assert len(pairs["near"]) == 45 and pairs["near"][:2] == [(0, 1), (0, 2)] \
        and pairs["near"][-1] == (8, 9)
    assert len(pairs["far"]) == 9 * 11  # components 0-8 against 10, 20, ..., 110 (of 0-119)
    assert pairs["far"][:3] == [(0, 10), (0, 20), (0, 30)] and pairs["far"][-1] == (8, 110)
    small = component_pairs(32, 10, 20, 5)
    assert small["far"][:3] == [(0, 10), (0, 15), (1, 10)]
    assert component_pairs(8)["far"] == [] and len(component_pairs(8)["near"]) == 28


def test_pca_after_trim_on_a_random_subset_of_the_survivors():
    z = np.random.default_rng(13).standard_normal((2_000, 4))
    t = pca_after_trim(z, np.ones(2_000, bool), 1.7, max_points=500, seed=3)
    assert t.n == 2_000 and t.n_analysed == 500 and t.components.shape == (500, 4)
    again = pca_after_trim(z, np.ones(2_000, bool), 1.7, max_points=500, seed=3)
    assert np.array_equal(t.components, again.components)
