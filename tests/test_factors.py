"""Linear probes, DCI and MIG on planted latent spaces whose answers are known."""

import numpy as np
import pytest

from nbhelpers.latent.factors import dci, discretise, mig, probe_factors


def _factors(n=6_000, k=6, seed=0):
    return np.random.default_rng(seed).standard_normal((n, k))


@pytest.mark.parametrize("s, noise", [(1.0, 0.5), (1.0, 1.0), (2.0, 1.0)])
def test_probe_r2_is_the_known_signal_share(s, noise):
    f = _factors()
    z = s * f + noise * np.random.default_rng(1).standard_normal(f.shape)
    probe = probe_factors(z, f)
    assert probe.r2 == pytest.approx(np.full(6, s**2 / (s**2 + noise**2)), abs=0.05)


def test_dci_disentanglement_is_high_axis_aligned_and_drops_after_a_rotation():
    f = _factors()
    rng = np.random.default_rng(2)
    aligned = f * rng.uniform(0.5, 2.0, 6) + 0.1 * rng.standard_normal(f.shape)
    rotation, _ = np.linalg.qr(rng.standard_normal((6, 6)))
    a = probe_factors(aligned, f).dci
    r = probe_factors(aligned @ rotation, f).dci
    assert a["disentanglement"] > 0.8 and a["completeness"] > 0.8
    assert r["disentanglement"] <= a["disentanglement"] - 0.3
    assert a["informativeness"] > 0.95 and r["informativeness"] > 0.95  # rotation loses nothing


def test_mig_is_high_for_one_factor_per_axis_and_low_for_mixed_axes():
    f = _factors()
    rng = np.random.default_rng(3)
    one_each = probe_factors(f + 0.05 * rng.standard_normal(f.shape), f)
    assert one_each.mig > 0.5
    mixed = probe_factors(f @ np.linalg.qr(rng.standard_normal((6, 6)))[0], f)
    assert mixed.mig < 0.25


def test_dci_of_hand_made_importance_matrices():
    assert dci(np.eye(4), np.ones(4)) == pytest.approx(
        {"disentanglement": 1.0, "completeness": 1.0, "informativeness": 1.0})
    flat = dci(np.ones((4, 4)), np.full(4, 0.5))
    assert flat["disentanglement"] == pytest.approx(0.0, abs=1e-12)
    assert flat["completeness"] == pytest.approx(0.0, abs=1e-12)


def test_binary_factors_keep_their_codes_and_continuous_ones_get_20_bins():
    x = np.c_[np.r_[np.zeros(50), np.ones(50)], np.linspace(0, 1, 100)]
    codes = discretise(x)
    assert set(codes[:, 0]) == {0, 1} and len(set(codes[:, 1])) == 20
    score, mi = mig(x[:, 1:], x[:, 1:])
    assert score == pytest.approx(1.0) and mi.shape == (1, 1)


def test_table_names_the_axis_carrying_each_factor():
    f = _factors(k=3)
    noise = 0.05 * np.random.default_rng(4).standard_normal((len(f), 4))
    z = np.c_[np.zeros(len(f)), f[:, 2], f[:, 0], f[:, 1]] + noise
    probe = probe_factors(z, f, ["size", "hue", "tilt"])
    table = probe.table()
    assert [table[n]["best_axis"] for n in ("size", "hue", "tilt")] == [2, 3, 1]
    assert set(probe.summary()) == {"r2_mean", "disentanglement", "completeness",
                                    "informativeness", "mig"}


def test_mismatched_rows_are_refused():
    with pytest.raises(ValueError, match="same N"):
        probe_factors(np.zeros((100, 3)), np.zeros((90, 2)))


def _reference_dci(importance: np.ndarray) -> tuple[float, float]:
    """disentanglement_lib's dci.py, its formulas written out with scipy, on an importance matrix
    whose columns sum to 1 (its gradient-boosted trees' feature_importances_ do)."""
    from scipy.stats import entropy

    d, k = importance.shape
    per_code = 1.0 - entropy(importance.T + 1e-11, base=k)
    dis = np.sum(per_code * importance.sum(axis=1) / importance.sum())
    per_factor = 1.0 - entropy(importance + 1e-11, base=d)
    com = np.sum(per_factor * importance.sum(axis=0) / importance.sum())
    return float(dis), float(com)


def test_dci_agrees_with_disentanglement_libs_formulas_on_normalised_importances():
    raw = np.abs(np.random.default_rng(5).standard_normal((8, 5))) ** 3
    raw[:, 2] *= 40.0  # one factor with large raw importances: the library normalises them away
    ours = dci(raw, np.ones(5))
    dis, com = _reference_dci(raw / raw.sum(axis=0))
    assert ours["disentanglement"] == pytest.approx(dis, abs=1e-6)
    assert ours["completeness"] == pytest.approx(com, abs=1e-6)


def test_rescaling_a_factor_changes_neither_disentanglement_nor_completeness():
    f = _factors()
    rng = np.random.default_rng(6)
    z = f @ rng.standard_normal((6, 6)) * 0.5 + f * 2 + 0.2 * rng.standard_normal(f.shape)
    base = probe_factors(z, f).dci
    scaled = f.copy()
    scaled[:, 0] *= 100.0  # a factor in other units: its ridge coefficients are 100 x larger
    moved = probe_factors(z, scaled).dci
    assert moved["disentanglement"] == pytest.approx(base["disentanglement"], abs=1e-9)
    assert moved["completeness"] == pytest.approx(base["completeness"], abs=1e-9)


def test_mig_keeps_the_levels_of_a_discrete_factor_with_32_of_them():
    levels = np.repeat(np.arange(32), 50).astype(float)  # 32 levels, 50 rows each
    codes = discretise(levels[:, None], keep_discrete=True)
    assert len(np.unique(codes)) == 32
    assert len(np.unique(discretise(levels[:, None]))) == 20  # binned as a representation
    # z reads the factor exactly: binned into 20 levels, it carries log(20) of its log(32) nats
    from sklearn.metrics import mutual_info_score

    z = np.c_[levels, np.random.default_rng(7).standard_normal(len(levels))]
    score, mi = mig(z, levels[:, None])
    zc = discretise(z)
    expected = (mutual_info_score(levels, zc[:, 0]) - mutual_info_score(levels, zc[:, 1])) \
        / mutual_info_score(levels, levels)
    assert score == pytest.approx(expected) and 0.75 < score < 0.9  # binned to 20: about 1


def test_binary_factors_are_probed_as_classes_with_the_known_auc():
    """z_1 = y + N(0, sigma^2) for a 0/1 attribute y: the best classifier's ROC AUC is
    Phi(1 / (sigma sqrt 2)), 0.760 at sigma = 1 and 0.921 at sigma = 0.5; a -1/1 attribute is the
    same attribute; a continuous factor beside them keeps its R^2."""
    from scipy.stats import norm

    rng = np.random.default_rng(5)
    n = 8_000
    y = (rng.random((n, 2)) < [0.3, 0.5]).astype(float)
    cont = rng.standard_normal(n)
    z = np.c_[y[:, 0] + rng.standard_normal(n), y[:, 1] + 0.5 * rng.standard_normal(n),
              cont + 0.5 * rng.standard_normal(n), rng.standard_normal((n, 3))]
    f = np.c_[y[:, 0], 2 * y[:, 1] - 1, cont]
    probe = probe_factors(z, f, ["a", "b", "c"])
    assert list(probe.binary) == [True, True, False]
    assert probe.auc[:2] == pytest.approx([norm.cdf(1 / np.sqrt(2)), norm.cdf(2 / np.sqrt(2))],
                                          abs=0.02)
    assert np.isnan(probe.r2[:2]).all() and probe.r2[2] == pytest.approx(0.8, abs=0.03)
    table = probe.table()
    assert table["a"]["kind"] == "binary" and table["a"]["best_axis"] == 0
    assert table["c"]["kind"] == "continuous" and set(probe.summary()) >= {
        "r2_mean", "auc_mean", "balanced_accuracy_mean"}
    # informativeness as disentanglement_lib: accuracy of the binary factors, R^2 of the other
    assert probe.dci["informativeness"] == pytest.approx(
        (probe.accuracy[0] + probe.accuracy[1] + probe.r2[2]) / 3)
    p = probe.predict(np.c_[[6.0, -6.0], [0.0, 0.0], np.zeros((2, 4))], "a")
    assert p[0] > 0.9 and p[1] < 0.1


def test_attribute_direction_finds_the_planted_shift_and_its_probe_sees_it_added():
    from nbhelpers.latent import attributes

    rng = np.random.default_rng(6)
    z = rng.standard_normal((6_000, 5))
    mask = rng.random(6_000) < 0.4
    z[mask, 2] += 2.0
    d = attributes.attribute_direction(z, mask, "smile")
    np.testing.assert_allclose(d.vector, [0, 0, 2, 0, 0], atol=0.1)
    start = z[~mask][:200]
    steps = attributes.attribute_steps(start, d.vector, (0.0, 1.0, 2.0))
    assert steps.shape == (3, 200, 5)
    p = [d.probability(s).mean() for s in steps]
    assert p[0] < 0.3 < 0.6 < p[1] < p[2] and d.auc > 0.8
    names, values = ["glasses", "x", "smile"], np.c_[mask, rng.standard_normal(6_000),
                                                      rng.standard_normal(6_000)]
    masks = attributes.attribute_masks(names, values)
    assert list(masks) == ["glasses", "smile"]  # named first; a continuous one split at its median
    assert masks["smile"].mean() == pytest.approx(0.5, abs=1e-3)
