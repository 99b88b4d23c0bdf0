import numpy as np
import pytest

from nbhelpers.latent.normality import gaussianity, summary


def test_normal_and_uniform_columns_have_their_known_ks_distance_and_kurtosis():
    rng = np.random.default_rng(0)
    x = np.c_[rng.standard_normal(20_000), rng.uniform(-1, 1, 20_000), rng.laplace(size=20_000)]
    g = gaussianity(x)
    assert g["ks"][0] < 0.015  # sampling noise at N = 20,000
    assert g["ks"][1] == pytest.approx(0.0577, abs=0.01)  # uniform vs its fitted normal
    assert g["kurtosis"][:2] == pytest.approx([0.0, -1.2], abs=0.1)
    assert g["kurtosis"][2] > 2  # Laplace: 3, with a wide sampling spread
    s = summary(g)
    assert s["kurtosis_median"] == pytest.approx(0.0, abs=0.3) and s["abs_kurtosis_median"] > 1


def test_too_few_rows_are_refused():
    with pytest.raises(ValueError, match=r"\(N >= 8, d\)"):
        gaussianity(np.zeros((3, 2)))
