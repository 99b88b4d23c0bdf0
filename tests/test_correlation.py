import numpy as np

from nbhelpers.latent.correlation import pearson, pearson_check, top_correlated_pairs


def test_top_correlated_pairs():
    rng = np.random.default_rng(1)
    z = rng.standard_normal((5000, 6))
    z[:, 4] = 0.9 * z[:, 1] + 0.3 * z[:, 4]
    z[:, 5] = -0.6 * z[:, 2] + 0.8 * z[:, 5]
    pairs = top_correlated_pairs(pearson(z), 2)
    assert [(i, j) for i, j, _ in pairs] == [(1, 4), (2, 5)]
    assert pairs[1][2] < 0


def test_pearson_check_of_independent_and_dependent_columns():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((20_000, 3))
    assert pearson_check(x)["max_offdiag"] < 0.03
    x[:, 2] = x[:, 0]
    assert pearson_check(x)["max_offdiag"] > 0.999
    assert pearson_check(x)["max_diag_deviation"] < 1e-12
